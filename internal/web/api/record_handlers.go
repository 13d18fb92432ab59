package api

func (h *handlers) recordRoutes() []Route {
	return nil
}
