// Package cli implements the xinyong subcommands, one file each.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"xinyong/internal/errs"
)

type command struct {
	summary string
	run     func(ctx context.Context, args []string, out, errOut io.Writer) error
}

var commands = map[string]command{}

func register(name, summary string, run func(ctx context.Context, args []string, out, errOut io.Writer) error) {
	commands[name] = command{summary, run}
}

// Main runs one subcommand and returns the process exit code.
func Main(args []string, out, errOut io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(out)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(errOut, "未知子命令 %q (unknown command)\n\n", args[0])
		usage(errOut)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := cmd.run(ctx, args[1:], out, errOut)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errExit1):
		return 1
	case errors.Is(err, errUsage):
		return 2
	}
	e := errs.As(err)
	if e.Kind == errs.KindInternal {
		fmt.Fprintf(errOut, "xinyong %s: %v\n", args[0], err)
	} else {
		fmt.Fprintf(errOut, "xinyong %s: %s\n", args[0], e.Message)
		for _, f := range e.Fields {
			fmt.Fprintf(errOut, "  %s: %s\n", f.Field, f.Reason)
		}
	}
	return 1
}

var (
	errExit1 = errors.New("exit 1")
	errUsage = errors.New("usage")
)

func usage(w io.Writer) {
	fmt.Fprintln(w, "xinyong — 公共信用信息共享平台 · 守信联合激励和失信联合惩戒系统")
	fmt.Fprintln(w, "\n用法 (usage): xinyong <command> [flags]   (xinyong <command> --help for details)\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-14s %s\n", n, commands[n].summary)
	}
}

// newFlags makes a flag set whose --help prints a summary first.
func newFlags(name, summary string, errOut io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.Usage = func() {
		fmt.Fprintf(errOut, "xinyong %s — %s\n\nFlags:\n", name, summary)
		fs.PrintDefaults()
	}
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

func joinLines(ss []string) string { return strings.Join(ss, "\n") }
