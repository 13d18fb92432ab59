package demo

import (
	"context"
	"errors"

	"xinyong/internal/auth"
	"xinyong/internal/errs"
	"xinyong/internal/store"
)

// Departments are the member units the demo city starts with; the codes are
// those the seed catalogue, list types and measures refer to.
var Departments = []store.Department{
	{Code: "xyb", Name: "市社会信用体系建设联席会议办公室（信用办）"},
	{Code: "court", Name: "市中级人民法院"},
	{Code: "tax", Name: "市税务局"},
	{Code: "samr", Name: "市市场监督管理局"},
	{Code: "safety", Name: "市应急管理局"},
	{Code: "hrss", Name: "市人力资源和社会保障局"},
	{Code: "customs", Name: "福州海关"},
	{Code: "ndrc", Name: "市发展和改革委员会"},
	{Code: "finance", Name: "市财政局"},
	{Code: "housing", Name: "市住房和城乡建设局"},
	{Code: "ggzy", Name: "市公共资源交易中心"},
	{Code: "pboc", Name: "中国人民银行福州市分行"},
	{Code: "police", Name: "市公安局"},
	{Code: "land", Name: "市自然资源和规划局"},
	{Code: "transport", Name: "市交通运输局"},
	{Code: "env", Name: "市生态环境局"},
	{Code: "health", Name: "市卫生健康委员会"},
	{Code: "org", Name: "市委组织部"},
	{Code: "civil", Name: "市民政局"},
	{Code: "culture", Name: "市文化和旅游局"},
}

// Password is the demo accounts' password (printed by serve --demo).
const Password = "xinyong-demo-2026"

// Account is a demo sign-in.
type Account struct {
	Username, Display string
	Role              auth.Role
	Dept              string
}

// Accounts are created by the demo.
var Accounts = []Account{
	{"admin", "信用办管理员", auth.RoleOperator, ""},
	{"samr", "市场监管局经办人", auth.RoleClerk, "samr"},
	{"samr_review", "市场监管局审核人", auth.RoleReviewer, "samr"},
	{"court", "法院经办人", auth.RoleClerk, "court"},
	{"tax", "税务局经办人", auth.RoleClerk, "tax"},
	{"ggzy", "公共资源交易中心经办人", auth.RoleClerk, "ggzy"},
}

// LoadDepartments creates the demo departments.
func LoadDepartments(ctx context.Context, st *store.Store) error {
	for _, d := range Departments {
		if err := st.UpsertDepartment(ctx, d, "system:demo"); err != nil {
			return err
		}
	}
	return nil
}

// LoadAccounts creates the demo users (skipping existing ones).
func LoadAccounts(ctx context.Context, st *store.Store) error {
	hash, err := auth.HashPassword(Password)
	if err != nil {
		return err
	}
	for _, a := range Accounts {
		_, err := st.CreateUser(ctx, store.User{Username: a.Username, DisplayName: a.Display, Role: a.Role, Dept: a.Dept}, hash, "system:demo")
		if err != nil && !errs.Is(err, errs.KindConflict) {
			return err
		}
	}
	return nil
}

// ErrNotEmpty is returned when demo data would be mixed into real data.
var ErrNotEmpty = errors.New("store already holds subjects")
