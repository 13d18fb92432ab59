package cli

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
)

// startPprof serves Go's profiles on XINYONG_PPROF (a loopback address such
// as 127.0.0.1:6060) when it is set: for the operator investigating a live
// node (CPU, heap, goroutines). Never on the public listener.
func startPprof() error {
	addr := os.Getenv("XINYONG_PPROF")
	if addr == "" {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("XINYONG_PPROF 须为回环地址（如 127.0.0.1:6060）：%q", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("XINYONG_PPROF: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	slog.Info("profiles served", "addr", ln.Addr().String())
	go http.Serve(ln, mux)
	return nil
}
