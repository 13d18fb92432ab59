package api

func (h *handlers) remedyRoutes() []Route {
	return nil
}
