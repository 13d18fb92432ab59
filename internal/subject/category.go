package subject

// usccAuthority is a position-1 code of GB 32100 with its allowed position-2
// categories (domain-facts §1.3, amendment No. 1 adds A and N).
type usccAuthority struct {
	name       string
	categories map[byte]string
}

var usccAuthorities = map[byte]usccAuthority{
	'1': {"机构编制", map[byte]string{'1': "机关", '2': "事业单位", '3': "中央编办直接管理机构编制的群众团体", '9': "其他"}},
	'2': {"外交", map[byte]string{'1': "外国常驻新闻机构", '9': "其他"}},
	'3': {"司法行政", map[byte]string{'1': "律师执业机构", '2': "公证处", '3': "基层法律服务所", '4': "司法鉴定机构", '5': "仲裁委员会", '9': "其他"}},
	'4': {"文化", map[byte]string{'1': "外国在华文化中心", '9': "其他"}},
	'5': {"民政", map[byte]string{'1': "社会团体", '2': "民办非企业单位", '3': "基金会", '9': "其他"}},
	'6': {"旅游", map[byte]string{'1': "外国旅游部门常驻代表机构", '2': "港澳台地区旅游部门常驻内地（大陆）代表机构", '9': "其他"}},
	'7': {"宗教", map[byte]string{'1': "宗教活动场所", '2': "宗教院校", '9': "其他"}},
	'8': {"工会", map[byte]string{'1': "基层工会", '9': "其他"}},
	'9': {"市场监管（工商）", map[byte]string{'1': "企业", '2': "个体工商户", '3': "农民专业合作社"}},
	'A': {"中央军委改革和编制办公室", map[byte]string{'1': "军队事业单位", '9': "其他"}},
	'N': {"农业", map[byte]string{'1': "组级集体经济组织", '2': "村级集体经济组织", '3': "乡镇级集体经济组织", '9': "其他"}},
	'Y': {"其他", map[byte]string{'1': "其他"}},
}

// usccTypes lists the categories whose code alone fixes the subject type.
// "91" (企业) is absent on purpose: companies are legal persons but branches,
// partnerships and sole proprietorships (also "91") are not.
var usccTypes = map[string]Type{
	"11": TypeLegal, // 机关法人
	"12": TypeLegal, // 事业单位法人
	"13": TypeLegal, // 群众团体 (社会团体法人)
	"51": TypeLegal, // 社会团体
	"52": TypeLegal, // 民办非企业单位 (社会服务机构)
	"53": TypeLegal, // 基金会
	"81": TypeLegal, // 基层工会
	"92": TypeIndividualBusiness,
	"93": TypeLegal, // 农民专业合作社 (特别法人)
	"A1": TypeLegal, // 军队事业单位
	"N1": TypeLegal, // 农村集体经济组织 (特别法人)
	"N2": TypeLegal,
	"N3": TypeLegal,
}

// USCCCategory names the registration authority and entity category encoded
// in the first two characters of a unified social credit code, e.g.
// ("市场监管（工商）", "企业") for "91…". ok is false for unknown pairs.
func USCCCategory(uscc string) (authority, category string, ok bool) {
	n := clean(uscc)
	if len(n) < 2 {
		return "", "", false
	}
	a, found := usccAuthorities[n[0]]
	if !found {
		return "", "", false
	}
	c, found := a.categories[n[1]]
	if !found {
		return "", "", false
	}
	return a.name, c, true
}
