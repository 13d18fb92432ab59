package cli

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"xinyong/internal/auth"
	"xinyong/internal/config"
	"xinyong/internal/store"
	"xinyong/internal/web/api"
	"xinyong/internal/web/httpx"
)

func init() {
	register("user", "账号管理 (user add | list)", runUser)
	register("token", "API 令牌管理 (token create | list | revoke)", runToken)
}

func cliRequest(ctx context.Context) *http.Request {
	r, _ := http.NewRequestWithContext(httpx.WithPrincipal(ctx, auth.Principal{Role: auth.RoleOperator, Name: "cli"}), "POST", "/", nil)
	return r
}

func runUser(ctx context.Context, args []string, out, errOut io.Writer) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "list") {
		fmt.Fprintln(errOut, "用法: xinyong user add --username U --password P --role ROLE [--dept CODE] [--subject CODE]\n      xinyong user list [--dept CODE]")
		return errUsage
	}
	cfg := config.Defaults()
	fs := newFlags("user "+args[0], "新增或列出控制台账号", errOut)
	cfg.Bind(fs, false)
	var in api.UserInput
	fs.StringVar(&in.Username, "username", "", "sign-in name")
	fs.StringVar(&in.DisplayName, "name", "", "display name")
	fs.StringVar(&in.Password, "password", "", "password (10 to 72 characters)")
	fs.StringVar(&in.Role, "role", "", "operator | clerk | reviewer | system | subject")
	fs.StringVar(&in.Dept, "dept", "", "department code (clerk, reviewer, system)")
	fs.StringVar(&in.Subject, "subject", "", "subject code (role subject)")
	fs.BoolVar(&in.CanUnmask, "can-unmask", false, "may see personal ID numbers in clear")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	e, err := openStore(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer e.Close()
	if args[0] == "list" {
		us, err := e.store.Users(ctx, in.Dept)
		if err != nil {
			return err
		}
		for _, u := range us {
			fmt.Fprintf(out, "%d\t%s\t%s\t%s\t%s\n", u.ID, u.Username, u.Role, u.Dept, u.DisplayName)
		}
		return nil
	}
	u, err := api.CreateUser(cliRequest(ctx), e.store, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "已创建账号 %s（%s）\n", u.Username, u.Role.Label())
	return nil
}

func runToken(ctx context.Context, args []string, out, errOut io.Writer) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "list" && args[0] != "revoke") {
		fmt.Fprintln(errOut, "用法: xinyong token create --name N --role ROLE [--dept CODE] [--days 365]\n      xinyong token list\n      xinyong token revoke ID")
		return errUsage
	}
	cfg := config.Defaults()
	fs := newFlags("token "+args[0], "签发、列出或吊销 API 令牌（令牌只显示一次，库中只存哈希）", errOut)
	cfg.Bind(fs, false)
	name := fs.String("name", "", "what the token is for")
	role := fs.String("role", "system", "operator | clerk | reviewer | system")
	dept := fs.String("dept", "", "department code")
	days := fs.Int("days", 365, "days until it expires")
	unmask := fs.Bool("can-unmask", false, "may see personal ID numbers in clear")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	e, err := openStore(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer e.Close()
	switch args[0] {
	case "list":
		ts, err := e.store.Tokens(ctx, *dept)
		if err != nil {
			return err
		}
		for _, t := range ts {
			state := "有效"
			if !t.RevokedAt.IsZero() {
				state = "已吊销"
			} else if t.ExpiresAt.Before(time.Now()) {
				state = "已过期"
			}
			fmt.Fprintf(out, "%d\t%s…\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Prefix, t.Name, t.Role, t.Dept, t.ExpiresAt.Format("2006-01-02"), state)
		}
		return nil
	case "revoke":
		if fs.NArg() != 1 {
			return errUsage
		}
		id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
		if err != nil {
			return fmt.Errorf("令牌编号无效：%s", fs.Arg(0))
		}
		if err := e.store.RevokeToken(ctx, id, "cli"); err != nil {
			return err
		}
		fmt.Fprintf(out, "令牌 %d 已吊销\n", id)
		return nil
	}
	r, err := auth.ParseRole(*role)
	if err != nil {
		return err
	}
	if *days < 1 {
		return fmt.Errorf("--days 至少为 1")
	}
	t, secret, err := e.store.CreateToken(ctx, store.Token{Name: *name, Role: r, Dept: *dept, CanUnmask: *unmask, ExpiresAt: e.store.Now().AddDate(0, 0, *days)}, "", "cli")
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "令牌（只显示这一次）：%s\n编号 %d，角色 %s，部门 %s，到期 %s\n", secret, t.ID, t.Role.Label(), t.Dept, t.ExpiresAt.Format("2006-01-02"))
	return nil
}
