package report_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/report"
	"github.com/postclear/postclear/internal/testenv"
)

// requireFonts skips a test that needs the embedded fonts when the build
// has none, unless POSTCLEAR_REQUIRE_FONTS is set (make test sets it),
// which makes their absence a failure.
func requireFonts(t *testing.T) {
	t.Helper()
	if err := report.EmbeddedFonts(); err != nil {
		if os.Getenv("POSTCLEAR_REQUIRE_FONTS") != "" {
			t.Fatalf("POSTCLEAR_REQUIRE_FONTS is set but %v", err)
		}
		t.Skipf("skipping: %v", err)
	}
}

func TestPDFFontsAreEmbedded(t *testing.T) {
	requireFonts(t)
}

// script is text of one writing system as an MoU's records carry it.
type script struct {
	name                             string
	customs, post, activity, subject string
	finding                          string
}

// scripts are the writing systems of issue 14: agency names, activity
// titles, dispute subjects and findings in each must come back out of the
// PDF. The Thai and Arabic names are the demo's (Thailand, Morocco).
var scripts = []script{
	{name: "Thai", customs: "กรมศุลกากร", post: "บริษัท ไปรษณีย์ไทย จำกัด",
		activity: "การฝึกอบรมร่วมเรื่องข้อมูลล่วงหน้า", subject: "รูปแบบแฟ้มปล่อยสินค้ารายวัน",
		finding: "ปี่ ป่า ฟ้า น้ำ: สระและวรรณยุกต์ซ้อนกัน"},
	{name: "Arabic", customs: "إدارة الجمارك والضرائب غير المباشرة", post: "بريد المغرب",
		activity: "ورشة عمل مشتركة حول البيانات الإلكترونية المسبقة", subject: "صيغة ملف الإفراج اليومي",
		finding: "لم يتم بلوغ الهدف في شهرين من ثلاثة"},
	{name: "Cyrillic", customs: "Федеральная таможенная служба", post: "АО «Почта России»",
		activity: "Совместный семинар по электронным данным", subject: "Формат ежедневного файла выпуска",
		finding: "Время таможенного оформления сократилось"},
	{name: "accented Latin", customs: "Administration des Douanes et Impôts Indirects", post: "Tổng công ty Bưu điện Việt Nam",
		activity: "Atelier conjoint sur l'échange de données électroniques", subject: "Délai de dédouanement à Casablanca",
		finding: "Øresund, Łódź, Ærøskøbing, São Tomé, Đà Nẵng"},
	{name: "Chinese", customs: "中华人民共和国海关总署", post: "中国邮政集团有限公司",
		activity: "关于电子预报数据的联合研讨会", subject: "每日放行文件的格式",
		finding: "清关时间第90百分位数达到目标"},
}

// scriptEvaluation is an evaluation whose agency names, activities,
// disputes and findings carry every script, with Latin text around them
// as the real findings have.
func scriptEvaluation() *postclear.Evaluation {
	day := func(m time.Month, d int) time.Time { return time.Date(2025, m, d, 0, 0, 0, 0, time.UTC) }
	var customs, post []string
	for _, s := range scripts[:2] {
		customs, post = append(customs, s.customs), append(post, s.post)
	}
	ev := &postclear.Evaluation{
		MoU: postclear.MoU{ID: "mou-xx-2025", Country: "XX", CustomsAdministration: strings.Join(customs, " / "),
			PostalOperator: strings.Join(post, " / "), SignedOn: day(1, 10), EffectiveFrom: day(2, 1)},
		Quarter: "2025-Q3", From: day(7, 1), To: day(10, 1), PreviousQuarter: "2025-Q2",
	}
	for _, k := range postclear.KPIs {
		ev.KPIs = append(ev.KPIs, postclear.KPIResult{KPI: k, Unit: k.Unit()})
	}
	for i, s := range scripts {
		ev.Findings = append(ev.Findings, postclear.Finding{Text: "In " + s.name + ": " + s.finding + " (" + s.customs + ", " + s.post + ")."})
		ev.Activities.Activities = append(ev.Activities.Activities, postclear.Activity{Date: day(7, 10+i), Title: s.activity, Kind: "WORKSHOP",
			CustomsParticipants: 10 + i, PostParticipants: 8 + i})
		ev.Disputes.Disputes = append(ev.Disputes.Disputes, postclear.Dispute{OpenedOn: day(7, 20+i), Subject: s.subject})
	}
	ev.Activities.Count = len(scripts)
	ev.Disputes.Opened, ev.Disputes.OpenAtEnd = len(scripts), len(scripts)
	return ev
}

// TestPDFPrintsEveryScript renders names, titles, subjects and findings in
// Thai, Arabic, Cyrillic, accented Latin and Chinese and reads each back
// out of the PDF's text. With Helvetica in Windows-1252 all but the Latin
// came out as dots.
func TestPDFPrintsEveryScript(t *testing.T) {
	requireFonts(t)
	var b bytes.Buffer
	if err := report.WritePDF(&b, scriptEvaluation(), report.PDFOptions{Uncompressed: true}); err != nil {
		t.Fatal(err)
	}
	savePDF(t, "scripts", b.Bytes())
	pieces := pdfText(t, b.Bytes())
	// Lines wrap at spaces, and a line that mixes scripts is drawn in one
	// piece per run: compare without white space.
	all := squeeze(strings.Join(pieces, ""))
	for _, s := range scripts {
		t.Run(s.name, func(t *testing.T) {
			for what, text := range map[string]string{"customs": s.customs, "post": s.post, "activity": s.activity, "subject": s.subject, "finding": s.finding} {
				if !strings.Contains(all, squeeze(text)) {
					t.Errorf("%s %q is not in the PDF's text", what, text)
				}
			}
		})
	}
	if !bytes.Contains(b.Bytes(), []byte("/FontFile2")) || bytes.Contains(b.Bytes(), []byte("/Helvetica")) {
		t.Error("the PDF does not embed its fonts, or still uses Helvetica")
	}

	// pdftotext (poppler), where installed, is an extractor that follows
	// the PDF standard rather than this file's reading of the stream.
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Log("pdftotext not installed: only the stream was read")
		return
	}
	f := filepath.Join(t.TempDir(), "scripts.pdf")
	if err := os.WriteFile(f, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-raw", f, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := squeeze(string(out))
	for _, s := range scripts {
		if !strings.Contains(text, squeeze(s.finding)) || !strings.Contains(text, squeeze(s.activity)) {
			t.Errorf("pdftotext does not find the %s finding or title in:\n%s", s.name, out)
		}
	}
}

// savePDF writes a rendered PDF to $POSTCLEAR_PDF_DIR, when set, to look at.
func savePDF(t *testing.T, name string, pdf []byte) {
	if dir := os.Getenv("POSTCLEAR_PDF_DIR"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name+".pdf"), pdf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// squeeze drops white space and format characters (the bidi embedding
// marks pdftotext puts around right-to-left text).
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
}

// pdfText returns the text of a PDF rendered by WritePDF, in the order
// drawn (testenv.PDFText, with the encoding of the fonts in use).
func pdfText(t *testing.T, pdf []byte) []string {
	t.Helper()
	return testenv.PDFText(t, pdf, report.EmbeddedFonts() == nil)
}

// TestDemoPDFsPrintAgencyNames renders the demo MoUs' evaluations — Kenya,
// Morocco with French and Arabic names, Thailand with Thai names — and
// reads the agency names back. POSTCLEAR_PDF_DIR keeps them to look at.
func TestDemoPDFsPrintAgencyNames(t *testing.T) {
	requireFonts(t)
	f := setup(t)
	for _, country := range []string{"KE", "MA", "TH"} {
		t.Run(country, func(t *testing.T) {
			ev, err := f.ev.Evaluate(context.Background(), f.ids[country], "2025-Q3")
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := report.WritePDF(&b, &ev, report.PDFOptions{Uncompressed: true}); err != nil {
				t.Fatal(err)
			}
			savePDF(t, "demo-"+country, b.Bytes())
			all := squeeze(strings.Join(pdfText(t, b.Bytes()), ""))
			for _, name := range []string{ev.MoU.CustomsAdministration, ev.MoU.PostalOperator} {
				if !strings.Contains(all, squeeze(name)) {
					t.Errorf("%q is not in the PDF's text", name)
				}
			}
		})
	}
}

// BenchmarkWritePDF renders a Latin-only evaluation (Kenya's names) and
// one with every script, compressed as served, and reports the size.
func BenchmarkWritePDF(b *testing.B) {
	latin := scriptEvaluation()
	latin.MoU.CustomsAdministration, latin.MoU.PostalOperator = "Kenya Revenue Authority", "Posta Kenya"
	latin.Findings, latin.Activities.Activities, latin.Disputes.Disputes = latin.Findings[3:4], latin.Activities.Activities[3:4], latin.Disputes.Disputes[3:4]
	for _, c := range []struct {
		name string
		ev   *postclear.Evaluation
	}{{"latin", latin}, {"every-script", scriptEvaluation()}} {
		b.Run(c.name, func(b *testing.B) {
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := report.WritePDF(&buf, c.ev, report.PDFOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len()), "pdf-bytes")
		})
	}
}
