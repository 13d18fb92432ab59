package api

func (h *handlers) checkRoutes() []Route {
	return nil
}
