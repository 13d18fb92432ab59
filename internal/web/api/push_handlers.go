package api

func (h *handlers) pushRoutes() []Route {
	return nil
}
