package api

func (h *handlers) listRoutes() []Route {
	return nil
}
