package site

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"text/template/parse"

	"smtpcodes.dev/internal/content"
	"smtpcodes.dev/internal/dataset"
	"smtpcodes.dev/internal/smtp"
)

// Every UI message the site uses is named in one of three ways, and all
// three are checked against the default language's messages when the
// server is built (checkMessages), so a mistyped id stops the start and
// fails `go run . check` and the tests instead of printing the id, an
// empty string or a 500 on some request:
//
//   - in templates, as .UI.<id>, .T "<id>" or .N "<id>" (found by walking
//     the parsed templates);
//   - in Go code, as one of the constants below (Go code never passes a
//     literal id; TestGoCodeUsesMessageConstants checks that);
//   - as a family of ids built from a domain value ("class_" + 4), made
//     only by the functions below, which enumerate their values.

// Message ids named in Go code.
const (
	msgCodeH1                  = "code_h1"
	msgCodeTitle               = "code_title"
	msgCompareComboAgree       = "compare_combo_agree"
	msgCompareComboDisagree    = "compare_combo_disagree"
	msgCompareComboH1          = "compare_combo_h1"
	msgCompareComboRegistryNo  = "compare_combo_registry_no"
	msgCompareComboRegistryYes = "compare_combo_registry_yes"
	msgCompareComboSummary     = "compare_combo_summary"
	msgCompareComboTitle       = "compare_combo_title"
	msgCompareComboWhich       = "compare_combo_which"
	msgCompareH1               = "compare_h1"
	msgCompareRowClass         = "compare_row_class"
	msgCompareRowMeaning       = "compare_row_meaning"
	msgCompareRowNext          = "compare_row_next"
	msgCompareRowPhases        = "compare_row_phases"
	msgCompareRowRFC           = "compare_row_rfc"
	msgCompareRowRole          = "compare_row_role"
	msgCompareRowSubject       = "compare_row_subject"
	msgCompareSummaryDiff      = "compare_summary_diff"
	msgCompareSummarySame      = "compare_summary_same"
	msgCompareTitle            = "compare_title"
	msgDataIntro               = "data_intro"
	msgDataTitle               = "data_title"
	msgDecodeBasicUnknown      = "decode_basic_unknown"
	msgDecodeEnhancedUnknown   = "decode_enhanced_unknown"
	msgDecodeIntro             = "decode_intro"
	msgDecodeMismatch          = "decode_mismatch"
	msgDecodePermanent         = "decode_permanent"
	msgDecodeSuccess           = "decode_success"
	msgDecodeTemporary         = "decode_temporary"
	msgDecodeTitle             = "decode_title"
	msgDecodeWhyReport         = "decode_why_report"
	msgDecodeWhyLast           = "decode_why_last"
	msgDecodeWhyOnly           = "decode_why_only"
	msgDecodeWhyFirst          = "decode_why_first"
	msgDecodeQuoted            = "decode_quoted"
	msgHeadingSeenWithBasic    = "heading_seen_with_basic"
	msgHeadingSeenWithEnhanced = "heading_seen_with_enhanced"
	msgHomeProviderHeading     = "home_provider_heading"
	msgHomeSubject             = "home_subject"
	msgHomeTitle               = "home_title"
	msgIndexDescription        = "index_description"
	msgIndexTitle              = "index_title"
	msgListSeparator           = "list_separator"
	msgNavHome                 = "nav_home"
	msgOGLocale                = "og_locale"
	msgPermalinkLabel          = "permalink_label"
	msgProviderOnlyLabel       = "provider_only_label"
	msgRegistryEntry           = "registry_entry"
	msgRoleBasic               = "role_basic"
	msgRoleEnhanced            = "role_enhanced"
	msgSearchExampleWord       = "search_example_word"
	msgSearchResultsTitle      = "search_results_title"
	msgSearchTitle             = "search_title"
	msgSiteName                = "site_name"
	msgSiteTagline             = "site_tagline"
	msgTimelineAny             = "timeline_any"
	msgTimelineAt              = "timeline_at"
	msgTimelineCaption         = "timeline_caption"
	msgTimelineCaptionFinding  = "timeline_caption_finding"
	msgTimelineData            = "timeline_data"
	msgTimelineNo              = "timeline_no"
	msgTimelineNone            = "timeline_none"
	msgTimelineOther           = "timeline_other"
	msgTimelineYes             = "timeline_yes"
	msgProvidersTitle          = "providers_title"
	msgProvidersDescription    = "providers_description"
	msgProviderLines           = "provider_lines"
	msgProviderFamilies        = "provider_families"
	msgProviderSystems         = "provider_systems"
	msgProviderTitle           = "provider_title"
	msgProviderDescription     = "provider_description"
	msgResponseTitle           = "response_title"
	msgPlaceholdersNote        = "placeholders_note"
	msgRetryTemporary          = "retry_temporary"
	msgRetryPermanent          = "retry_permanent"
	msgRetryMixed              = "retry_mixed"
	msgRetryNone               = "retry_none"
	msgLicenseUnknown          = "license_unknown"
	msgTranslationMachine      = "translation_machine"
	msgTranslationReviewed     = "translation_reviewed"
	msgTranslationOutdated     = "translation_outdated"
	msgTranslationOriginal     = "translation_original"
	msgTranslationsTitle       = "translations_title"
	msgTranslationsIntro       = "translations_intro"
	// The markdown twins (markdown_twin.go) say what the templates say.
	msgFallbackNotice       = "fallback_notice"
	msgStatusDeprecated     = "status_deprecated"
	msgLabelRegistryName    = "label_registry_name"
	msgLabelStandardText    = "label_standard_text"
	msgLabelClass           = "label_class"
	msgLabelCategory        = "label_category"
	msgLabelSubject         = "label_subject"
	msgLabelNext            = "label_next"
	msgLabelDefinedIn       = "label_defined_in"
	msgLabelContext         = "label_context"
	msgProviderSource       = "provider_source"
	msgSeenWithNone         = "seen_with_none"
	msgRelatedCompare       = "related_compare"
	msgClaimChecked         = "claim_checked"
	msgExampleResponse      = "example_response"
	msgExampleSource        = "example_source"
	msgExampleIllustrative  = "example_illustrative"
	msgCompareWhichIntro    = "compare_which_intro"
	msgCompareSeePage       = "compare_see_page"
	msgProviderWebsite      = "provider_website"
	msgLineToken            = "line_token"
	msgLinePhase            = "line_phase"
	msgLineSeen             = "line_seen"
	msgLineSource           = "line_source"
	msgLineRetrieved        = "line_retrieved"
	msgRegistryRow          = "registry_row"
	msgRegistryUnregistered = "registry_unregistered"
	msgRegistryDiffers      = "registry_differs"
	msgRegistrySame         = "registry_same"
)

// goMessages are the constants above.
var goMessages = []string{
	msgCodeH1, msgCodeTitle, msgCompareComboAgree, msgCompareComboDisagree, msgCompareComboH1,
	msgCompareComboRegistryNo, msgCompareComboRegistryYes, msgCompareComboSummary, msgCompareComboTitle,
	msgCompareComboWhich, msgCompareH1, msgCompareRowClass, msgCompareRowMeaning, msgCompareRowNext,
	msgCompareRowPhases, msgCompareRowRFC, msgCompareRowRole, msgCompareRowSubject, msgCompareSummaryDiff,
	msgCompareSummarySame, msgCompareTitle, msgDataIntro, msgDataTitle, msgDecodeBasicUnknown, msgDecodeEnhancedUnknown, msgDecodeIntro,
	msgDecodeMismatch, msgDecodePermanent, msgDecodeSuccess, msgDecodeTemporary, msgDecodeTitle,
	msgDecodeWhyReport, msgDecodeWhyLast, msgDecodeWhyOnly, msgDecodeWhyFirst, msgDecodeQuoted,
	msgHeadingSeenWithBasic, msgHeadingSeenWithEnhanced, msgHomeProviderHeading, msgHomeSubject, msgHomeTitle,
	msgIndexDescription, msgIndexTitle, msgListSeparator, msgNavHome, msgOGLocale, msgPermalinkLabel,
	msgProviderOnlyLabel, msgRegistryEntry, msgRoleBasic, msgRoleEnhanced, msgSearchExampleWord,
	msgSearchResultsTitle, msgSearchTitle, msgSiteName, msgSiteTagline, msgTimelineAny, msgTimelineAt,
	msgTimelineCaption, msgTimelineCaptionFinding, msgTimelineData, msgTimelineNo, msgTimelineNone,
	msgTimelineOther, msgTimelineYes, msgProvidersTitle, msgProvidersDescription, msgProviderLines,
	msgProviderFamilies, msgProviderSystems, msgProviderTitle, msgProviderDescription, msgResponseTitle, msgPlaceholdersNote,
	msgRetryTemporary, msgRetryPermanent, msgRetryMixed, msgRetryNone, msgLicenseUnknown,
	msgTranslationMachine, msgTranslationReviewed, msgTranslationOutdated, msgTranslationOriginal,
	msgTranslationsTitle, msgTranslationsIntro,
	msgFallbackNotice, msgStatusDeprecated, msgLabelRegistryName, msgLabelStandardText, msgLabelClass, msgLabelCategory, msgLabelSubject, msgLabelNext, msgLabelDefinedIn, msgLabelContext, msgProviderSource, msgSeenWithNone, msgRelatedCompare, msgClaimChecked, msgExampleResponse, msgExampleSource, msgExampleIllustrative, msgCompareWhichIntro, msgCompareSeePage, msgProviderWebsite, msgLineToken, msgLinePhase, msgLineSeen, msgLineSource, msgLineRetrieved, msgRegistryRow, msgRegistryUnregistered, msgRegistryDiffers, msgRegistrySame,
}

// Families of ids built from domain values.

// classMsg names a code's class: "class_4" ("4xx Transient Negative") for
// basic codes, "eclass_4" for enhanced ones.
func classMsg(c *content.Code) string {
	if c.Kind == content.Basic {
		return "class_" + strconv.Itoa(c.Class)
	}
	return "eclass_" + strconv.Itoa(c.Class)
}

func classMeaningMsg(c *content.Code) string { return classMsg(c) + "_meaning" }

// nextMsg says what a sending server does after a reply of a class.
func nextMsg(class int) string { return "next_" + strconv.Itoa(class) }

// categoryMsg names the category of a basic code (its second digit).
func categoryMsg(basic string) string { return "category_" + basic[1:2] }

func subjectMsg(n int) string        { return "subject_" + strconv.Itoa(n) }
func subjectMeaningMsg(n int) string { return subjectMsg(n) + "_meaning" }

// contextMsg names the context of a definition: "" is the base protocol.
func contextMsg(ctx string) string {
	if ctx == "" {
		ctx = "base"
	}
	return "context_" + ctx
}

func phaseMsg(p smtp.Phase) string    { return "phase_" + string(p) }
func actorMsg(a smtp.Actor) string    { return "act_" + string(a) }
func errorTitleMsg(status int) string { return "error_title_" + strconv.Itoa(status) }
func errorTextMsg(status int) string  { return "error_text_" + strconv.Itoa(status) }

// coverageMsg names a kind of page on /translations.
func coverageMsg(kind string) string { return "translations_kind_" + kind }

// kindMsg names a kind of provider.
func kindMsg(kind string) string { return "kind_" + kind }

// headingMsg is the heading of a content section by its id.
func headingMsg(section string) string { return "heading_" + strings.ReplaceAll(section, "-", "_") }

// contentSectionIDs are the sections content files may have.
var contentSectionIDs = []string{
	"description", "when", "examples", "fix", "fix-sender", "fix-sending", "fix-receiving",
	"differences", "which", "meaning", "tell",
}

// familyMessages enumerates every id the functions above can build for
// the content of store.
func familyMessages(store *content.Store) []string {
	var ids []string
	for _, c := range store.Codes() {
		ids = append(ids, classMsg(c), classMeaningMsg(c))
	}
	for _, n := range smtp.BasicClasses {
		ids = append(ids, nextMsg(n))
	}
	for _, n := range smtp.Categories {
		ids = append(ids, categoryMsg("2"+strconv.Itoa(n)+"0"))
	}
	for _, n := range smtp.Subjects {
		ids = append(ids, subjectMsg(n), subjectMeaningMsg(n))
	}
	for _, b := range store.Facts.Basic {
		for _, d := range b.Defs {
			ids = append(ids, contextMsg(d.Context))
		}
	}
	for _, p := range smtp.Phases() {
		ids = append(ids, phaseMsg(p))
	}
	for _, a := range smtp.Actors {
		ids = append(ids, actorMsg(a))
	}
	for _, st := range errorStatuses {
		ids = append(ids, errorTitleMsg(st), errorTextMsg(st))
	}
	for _, id := range contentSectionIDs {
		ids = append(ids, headingMsg(id))
	}
	for _, k := range smtp.ProviderKinds {
		ids = append(ids, kindMsg(k))
	}
	for _, k := range content.CoverageKinds {
		ids = append(ids, coverageMsg(k))
	}
	for _, t := range dataset.Tables() {
		ids = append(ids, dataTableMsg(t.Name))
	}
	return ids
}

// templateMessages returns the ids the templates name literally: the
// fields of .UI (ui), and the first argument of the T and N methods
// (called), each sorted.
func templateMessages(ts templateSet) (ui, called []string) {
	seen := map[string]bool{}
	for _, t := range ts {
		for _, tt := range t.Templates() {
			if tt.Tree == nil {
				continue
			}
			walkTemplate(tt.Tree.Root, func(id string, isUI bool) {
				key := fmt.Sprint(isUI, id)
				if seen[key] {
					return
				}
				seen[key] = true
				if isUI {
					ui = append(ui, id)
				} else {
					called = append(called, id)
				}
			})
		}
	}
	slices.Sort(ui)
	slices.Sort(called)
	return ui, called
}

func walkTemplate(n parse.Node, add func(id string, isUI bool)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n != nil {
			for _, c := range n.Nodes {
				walkTemplate(c, add)
			}
		}
	case *parse.ActionNode:
		walkTemplate(n.Pipe, add)
	case *parse.PipeNode:
		if n != nil {
			for _, c := range n.Cmds {
				walkTemplate(c, add)
			}
		}
	case *parse.CommandNode:
		// .T "id" …, $.T "id" …, .N "id" …
		if len(n.Args) >= 2 && isMethod(n.Args[0], "T", "N") {
			if s, ok := n.Args[1].(*parse.StringNode); ok {
				add(s.Text, false)
			}
		}
		for _, a := range n.Args {
			walkTemplate(a, add)
		}
	case *parse.FieldNode:
		uiFields(n.Ident, add)
	case *parse.VariableNode:
		uiFields(n.Ident, add)
	case *parse.ChainNode:
		uiFields(n.Field, add)
		walkTemplate(n.Node, add)
	case *parse.IfNode:
		walkBranch(&n.BranchNode, add)
	case *parse.RangeNode:
		walkBranch(&n.BranchNode, add)
	case *parse.WithNode:
		walkBranch(&n.BranchNode, add)
	case *parse.TemplateNode:
		walkTemplate(n.Pipe, add)
	}
}

func walkBranch(b *parse.BranchNode, add func(string, bool)) {
	walkTemplate(b.Pipe, add)
	walkTemplate(b.List, add)
	if b.ElseList != nil {
		walkTemplate(b.ElseList, add)
	}
}

// uiFields adds the id in a field chain such as .UI.site_name or
// $.UI.site_name.
func uiFields(ident []string, add func(string, bool)) {
	for i := 0; i+1 < len(ident); i++ {
		if ident[i] == "UI" {
			add(ident[i+1], true)
		}
	}
}

func isMethod(n parse.Node, names ...string) bool {
	var ident []string
	switch n := n.(type) {
	case *parse.FieldNode:
		ident = n.Ident
	case *parse.VariableNode:
		ident = n.Ident
	default:
		return false
	}
	return len(ident) > 0 && slices.Contains(names, ident[len(ident)-1])
}

// checkMessages reports every id that the templates or the code use and
// the default language does not define, and every .UI id that is not a
// plain message (it takes template data, so the map does not hold it).
func (s *Server) checkMessages() error {
	def := s.locales.Default()
	plain := s.ui[def.Code]
	var missing []string
	ui, called := templateMessages(s.templates)
	for _, id := range ui {
		switch _, ok := plain[id]; {
		case !s.locales.Has(id):
			missing = append(missing, id+" (templates)")
		case !ok:
			missing = append(missing, id+" (templates: takes template data, so use .T, not .UI)")
		}
	}
	for _, id := range called {
		if !s.locales.Has(id) {
			missing = append(missing, id+" (templates)")
		}
	}
	seen := map[string]bool{}
	for _, id := range append(slices.Clone(goMessages), familyMessages(s.store)...) {
		if !s.locales.Has(id) && !seen[id] {
			seen[id] = true
			missing = append(missing, id+" (code)")
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("locales/active.%s.toml lacks messages the site uses: %s", def.Code, strings.Join(missing, ", "))
	}
	return nil
}
