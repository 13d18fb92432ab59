package api

func (h *handlers) webRoutes() []Route {
	return nil
}
