package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"xinyong/internal/store"
)

func init() { benchCommands["startup"] = benchStartup }

// benchStartup starts `xinyong serve` on a copy of a store as a subprocess
// and reports how long it takes until /readyz answers 200 (wall and CPU)
// and its resident memory (Linux: VmRSS sampled every 200 ms) at ready, at
// its peak, during the first-start score recompute and at the end. The copy
// has no recompute job, so the first-start recompute runs every time; the
// environment is passed on (GOMEMLIMIT, XINYONG_MEMORY_LIMIT …).
func benchStartup(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("bench startup", "启动基准：复制数据目录，以子进程启动 serve，报告就绪用时与常驻内存（含首次启动的评价重算）", errOut)
	data := fs.String("data", "", "store directory to copy (SQLite; required)")
	duration := fs.Duration("duration", 90*time.Second, "how long to sample after start (at least until the first recompute ends, at most --max)")
	maxWait := fs.Duration("max", 5*time.Minute, "stop sampling after this long even if the recompute has not ended")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *data == "" {
		return fmt.Errorf("--data 为必填项（用 xinyong demo 生成的数据目录）")
	}
	tmp, err := os.MkdirTemp("", "xinyong-startup-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	for _, name := range []string{"xinyong.db", "xinyong.db-wal", "xinyong.key"} {
		if err := copyFile(filepath.Join(*data, name), filepath.Join(tmp, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	logf, err := os.Create(filepath.Join(tmp, "serve.log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(exe, "serve", "--data", tmp, "--addr", addr)
	cmd.Stdout, cmd.Stderr = logf, logf
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}()
	st, err := store.Open(ctx, store.Options{Path: filepath.Join(tmp, "xinyong.db")})
	if err != nil {
		return err
	}
	defer st.Close()

	pid := cmd.Process.Pid
	client := &http.Client{Timeout: time.Second}
	var ready, jobStart, jobEnd time.Duration
	var readyCPU time.Duration
	var rssReady, peak, peakJob, last int64
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-exited:
			exited <- err
			return fmt.Errorf("serve exited: %v (log: %s)", err, tailFile(filepath.Join(tmp, "serve.log")))
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		el := time.Since(t0)
		rss := procRSS(pid)
		last, peak = rss, max(peak, rss)
		if ready == 0 {
			if resp, err := client.Get("http://" + addr + "/readyz"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					ready, readyCPU, rssReady = el, procCPU(pid), rss
				}
			}
		}
		if ready > 0 && jobEnd == 0 {
			if j, err := st.Recompute(ctx, 0); err == nil {
				if jobStart == 0 {
					jobStart = el
				}
				peakJob = max(peakJob, rss)
				if j.State != store.JobRunning {
					jobEnd = el
				}
			}
		}
		if (el >= *duration && (jobEnd > 0 || ready == 0)) || el >= *maxWait {
			break
		}
	}
	mb := func(b int64) string { return fmt.Sprintf("%.0f MB", float64(b)/1e6) }
	if ready == 0 {
		fmt.Fprintf(out, "not ready within %s\n", time.Since(t0).Round(time.Second))
	} else {
		fmt.Fprintf(out, "ready after %.1f s (serve's CPU until then %.1f s), RSS at ready %s\n", ready.Seconds(), readyCPU.Seconds(), mb(rssReady))
	}
	if jobEnd > 0 {
		fmt.Fprintf(out, "first-start score recompute: seen from %.0f s to %.0f s, RSS peak meanwhile %s\n", jobStart.Seconds(), jobEnd.Seconds(), mb(peakJob))
	} else if jobStart > 0 {
		fmt.Fprintf(out, "first-start score recompute still running after %.0f s, RSS peak meanwhile %s\n", time.Since(t0).Seconds(), mb(peakJob))
	}
	fmt.Fprintf(out, "RSS peak %s, at the end (%.0f s) %s\n", mb(peak), time.Since(t0).Seconds(), mb(last))
	return nil
}

// procRSS is a process's resident set size in bytes (0 when unknown).
func procRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// procCPU is a process's user + system CPU time (0 when unknown).
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// fields after the command name (which may hold spaces) in parentheses
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	k, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+k) * time.Second / 100 // USER_HZ
}

func tailFile(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}
