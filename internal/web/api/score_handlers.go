package api

func (h *handlers) scoreRoutes() []Route {
	return nil
}
