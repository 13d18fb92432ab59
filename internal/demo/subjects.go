// Package demo fills a store with realistic synthetic data: departments,
// accounts, subjects with valid identifiers over real region codes, and
// (through later generators) records and list entries.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"xinyong/internal/store"
	"xinyong/internal/subject"
)

var (
	brands = strings.Fields(`华信 鑫源 恒达 宏图 瑞丰 嘉禾 天元 盛世 永安 金鼎 海峡 闽江 榕城 新华 中天 福瑞 万通 博远 鼎盛 汇丰 长兴 裕隆 正泰 东升 锦程 宏业 森华 润泽 泰和 和信
		同创 振华 明德 安泰 利群 海纳 启航 远景 星辰 晨光 银河 腾飞 卓越 凯旋 百川 智联 云帆 合力 创新 宝丰 立信 众诚 华康 美佳 德润 兴隆 天宇 通达 诚信 华夏 华为 华润`)
	trades = strings.Fields(`科技 信息技术 建材贸易 建筑工程 餐饮管理 物流 食品 医药 电子商务 农业发展 环保科技 房地产开发 物业管理 商贸 汽车服务 教育咨询 文化传媒 机械设备 服装 家具 印刷 旅游开发 劳务派遣 安装工程 水产 茶业 新材料 电力工程 化工 纺织`)
	forms  = []string{"有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司", "集团有限公司"}
	shops  = strings.Fields(`便利店 小吃店 五金店 理发店 水果店 服装店 快餐店 建材店 茶叶店 汽车修理部 文具店 药店 粮油店 早餐店 家电维修部`)
	orgs   = []string{"律师事务所", "会计师事务所", "农民专业合作社", "合伙企业（有限合伙）", "商会", "行业协会"}
	sur    = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤康易乔赖文")
	given  = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建国志红梅林飞斌波宇浩凯晨阳雪婷琳欣怡嘉豪俊杰子涵梓轩雨萱思远晓东海燕金凤春生德明")
	roads  = strings.Fields(`五四路 八一七路 湖东路 杨桥路 工业路 福新路 华林路 东二环 金山大道 江滨路 铜盘路 乌山路 古田路 六一路 温泉路`)
)

// City is the demo's region: Fuzhou and its districts and counties.
const City = "350100"

// Generator makes subjects deterministically from a seed.
type Generator struct {
	r       *rand.Rand
	regions []subject.Region
	seen    map[string]bool
	now     time.Time
}

// NewGenerator seeds a generator for the demo city.
func NewGenerator(seed uint64, now time.Time) *Generator {
	g := &Generator{r: rand.New(rand.NewPCG(seed, seed*0x9e3779b97f4a7c15+1)), seen: map[string]bool{}, now: now}
	for _, rg := range subject.Regions() {
		if strings.HasPrefix(rg.Code, City[:4]) && rg.Code != City {
			g.regions = append(g.regions, rg)
		}
	}
	if len(g.regions) == 0 {
		g.regions = []subject.Region{{Code: City, Name: "福州市"}}
	}
	return g
}

func (g *Generator) pick(ss []string) string { return ss[g.r.IntN(len(ss))] }

// PersonName returns a plausible Chinese name.
func (g *Generator) PersonName() string {
	n := string(sur[g.r.IntN(len(sur))]) + string(given[g.r.IntN(len(given))])
	if g.r.IntN(3) > 0 {
		n += string(given[g.r.IntN(len(given))])
	}
	return n
}

func (g *Generator) region() subject.Region { return g.regions[g.r.IntN(len(g.regions))] }

func short(regionName string) string {
	for _, suf := range []string{"市", "区", "县"} {
		if s, ok := strings.CutSuffix(regionName, suf); ok && len([]rune(s)) >= 2 {
			return s
		}
	}
	return regionName
}

// Person returns a prepared natural person with a valid ID number.
func (g *Generator) Person(p subject.Protector, mask func(string) string) (subject.Subject, string) {
	for {
		rg := g.region()
		birth := time.Date(1950+g.r.IntN(55), time.Month(1+g.r.IntN(12)), 1+g.r.IntN(28), 0, 0, 0, 0, time.UTC)
		id := subject.GenerateIDCard(g.r, rg.Code, birth, g.r.IntN(2) == 0)
		if g.seen[id] {
			continue
		}
		g.seen[id] = true
		s, err := subject.Prepare(subject.Input{Type: string(subject.TypeNatural), IDNumber: id, Name: g.PersonName(), Region: rg.Code}, p, mask, g.now, false)
		if err != nil {
			panic(fmt.Sprintf("demo person %s: %v", mask(id), err))
		}
		return s, id
	}
}

// Organisation returns a prepared organisation of a random type.
func (g *Generator) Organisation(p subject.Protector, legalRep string) subject.Subject {
	rg := g.region()
	var typ subject.Type
	var name string
	var auth, cat byte
	switch x := g.r.IntN(20); {
	case x < 15:
		typ, auth, cat = subject.TypeLegal, '9', '1'
		name = "福州" + g.pick(brands) + g.pick(brands)[:3] + g.pick(trades) + g.pick(forms)
		if g.r.IntN(4) == 0 {
			name = "福建" + g.pick(brands) + g.pick(trades) + g.pick(forms)
		}
	case x < 18:
		typ, auth, cat = subject.TypeIndividualBusiness, '9', '2'
		name = short(rg.Name) + g.pick(brands) + g.pick(shops)
		if g.r.IntN(3) == 0 {
			name = short(rg.Name) + legalRep + g.pick(shops)
		}
	default:
		typ, auth, cat = subject.TypeUnincorporated, '9', '1'
		name = "福建" + g.pick(brands) + g.pick(orgs)
	}
	for {
		code := subject.GenerateUSCC(g.r, rg.Code, auth, cat)
		if g.seen[code] {
			continue
		}
		g.seen[code] = true
		reg := g.now.AddDate(-g.r.IntN(25), -g.r.IntN(12), -g.r.IntN(28)).Format("2006-01-02")
		s, err := subject.Prepare(subject.Input{Type: string(typ), Code: code, Name: name, LegalRep: legalRep, Region: rg.Code, RegisteredOn: reg,
			Address: rg.Name + g.pick(roads) + fmt.Sprintf("%d号", 1+g.r.IntN(300))}, p, nil, g.now, false)
		if err != nil {
			panic(fmt.Sprintf("demo organisation %s: %v", code, err))
		}
		return s
	}
}

// SubjectsResult summarises a subject load.
type SubjectsResult struct {
	Organisations, Persons, Relations int
	Codes                             []string
}

// LoadSubjects generates n subjects (about three organisations to one
// person; every organisation gets a legal representative) and writes them
// in batches. Generation runs one batch ahead of the writer, on another core.
func LoadSubjects(ctx context.Context, st *store.Store, g *Generator, p subject.Protector, mask func(string) string, n int, progress func(done int)) (SubjectsResult, error) {
	const size = 20000
	ch := make(chan genBatch, 2)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(ch)
		for done := 0; done < n; {
			b := g.batch(p, mask, min(size, n-done))
			select {
			case ch <- b:
			case <-stop:
				return
			}
			done += len(b.subs)
		}
	}()
	var res SubjectsResult
	done := 0
	for b := range ch {
		if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.BulkSubjects(b.subs, b.rels, "system:demo") }); err != nil {
			return res, err
		}
		for _, s := range b.subs {
			if s.Type == subject.TypeNatural {
				res.Persons++
			} else {
				res.Organisations++
				res.Codes = append(res.Codes, s.Code)
			}
		}
		res.Relations += len(b.rels)
		done += len(b.subs)
		if progress != nil {
			progress(done)
		}
	}
	return res, ctx.Err()
}

type genBatch struct {
	subs []subject.Subject
	rels []store.BulkRelation
}

// batch makes size subjects: a quarter persons, the rest organisations
// whose legal representatives are drawn from those persons.
func (g *Generator) batch(p subject.Protector, mask func(string) string, size int) genBatch {
	persons := max(1, size/4)
	if size == 1 {
		persons = 0
	}
	b := genBatch{subs: make([]subject.Subject, 0, size)}
	for i := 0; i < persons; i++ {
		s, _ := g.Person(p, mask)
		b.subs = append(b.subs, s)
	}
	for len(b.subs) < size {
		rep := -1
		name := g.PersonName()
		if persons > 0 {
			rep = g.r.IntN(persons)
			name = b.subs[rep].Name
		}
		o := g.Organisation(p, name)
		b.subs = append(b.subs, o)
		if rep >= 0 {
			b.rels = append(b.rels, store.BulkRelation{Org: len(b.subs) - 1, Person: rep, Role: subject.RoleLegalRep, Start: o.RegisteredOn})
		}
	}
	return b
}

// Skip generates and drops the first n subjects of the generator's
// sequence (in LoadSubjects' batches), so that a load interrupted after n
// subjects can be resumed with the same seed without repeating a code or
// an ID number.
func (g *Generator) Skip(p subject.Protector, mask func(string) string, n int) {
	const size = 20000
	for done := 0; done < n; {
		done += len(g.batch(p, mask, min(size, n-done)).subs)
	}
}
