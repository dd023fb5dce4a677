package fhirq

// ItemType is Questionnaire.item.type (R4 value set item-type).
type ItemType string

// The R4 item types.
const (
	TypeGroup      ItemType = "group"
	TypeDisplay    ItemType = "display"
	TypeBoolean    ItemType = "boolean"
	TypeDecimal    ItemType = "decimal"
	TypeInteger    ItemType = "integer"
	TypeDate       ItemType = "date"
	TypeDateTime   ItemType = "dateTime"
	TypeTime       ItemType = "time"
	TypeString     ItemType = "string"
	TypeText       ItemType = "text"
	TypeURL        ItemType = "url"
	TypeChoice     ItemType = "choice"
	TypeOpenChoice ItemType = "open-choice"
	TypeAttachment ItemType = "attachment"
	TypeReference  ItemType = "reference"
	TypeQuantity   ItemType = "quantity"
)

var itemTypes = map[ItemType]bool{
	TypeGroup: true, TypeDisplay: true, TypeBoolean: true, TypeDecimal: true, TypeInteger: true,
	TypeDate: true, TypeDateTime: true, TypeTime: true, TypeString: true, TypeText: true,
	TypeURL: true, TypeChoice: true, TypeOpenChoice: true, TypeAttachment: true,
	TypeReference: true, TypeQuantity: true,
}

// Valid reports whether t is an R4 item type.
func (t ItemType) Valid() bool { return itemTypes[t] }

// Extension URLs Cifra reads.
const (
	// ExtOrdinalValue is the R4 score of a coded answer.
	ExtOrdinalValue = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
	// ExtItemWeight is the same idea under its R5 name; read as well so
	// that questionnaires written for either release score.
	ExtItemWeight = "http://hl7.org/fhir/StructureDefinition/itemWeight"
)

// Questionnaire is the part of an R4 Questionnaire Cifra uses.
type Questionnaire struct {
	ResourceType string         `json:"resourceType"`
	ID           string         `json:"id,omitempty"`
	Meta         *Meta          `json:"meta,omitempty"`
	Extension    []Extension    `json:"extension,omitempty"`
	Contained    []Contained    `json:"contained,omitempty"`
	URL          string         `json:"url,omitempty"`
	Identifier   []Identifier   `json:"identifier,omitempty"`
	Version      string         `json:"version,omitempty"`
	Name         string         `json:"name,omitempty"`
	Title        string         `json:"title,omitempty"`
	DerivedFrom  []string       `json:"derivedFrom,omitempty"`
	Status       string         `json:"status,omitempty"`
	SubjectType  []string       `json:"subjectType,omitempty"`
	Date         string         `json:"date,omitempty"`
	Publisher    string         `json:"publisher,omitempty"`
	Description  string         `json:"description,omitempty"`
	UseContext   []UsageContext `json:"useContext,omitempty"`
	Purpose      string         `json:"purpose,omitempty"`
	Code         []Coding       `json:"code,omitempty"`
	Item         []Item         `json:"item,omitempty"`
}

// Meta is Resource.meta (only what is carried through).
type Meta struct {
	VersionID   string   `json:"versionId,omitempty"`
	LastUpdated string   `json:"lastUpdated,omitempty"`
	Profile     []string `json:"profile,omitempty"`
}

// Contained is a contained resource. Only ValueSets are read (for
// answerValueSet "#id"); others keep just their type and id.
type Contained struct {
	ResourceType string           `json:"resourceType"`
	ID           string           `json:"id,omitempty"`
	Compose      *ValueSetCompose `json:"compose,omitempty"`
}

// ValueSetCompose is ValueSet.compose with enumerated concepts.
type ValueSetCompose struct {
	Include []ValueSetInclude `json:"include,omitempty"`
}

// ValueSetInclude is one ValueSet.compose.include.
type ValueSetInclude struct {
	System  string            `json:"system,omitempty"`
	Concept []ValueSetConcept `json:"concept,omitempty"`
}

// ValueSetConcept is one enumerated concept, possibly with a score.
type ValueSetConcept struct {
	Extension []Extension `json:"extension,omitempty"`
	Code      string      `json:"code"`
	Display   string      `json:"display,omitempty"`
}

// Item is Questionnaire.item.
type Item struct {
	Extension      []Extension    `json:"extension,omitempty"`
	LinkID         string         `json:"linkId"`
	Definition     string         `json:"definition,omitempty"`
	Code           []Coding       `json:"code,omitempty"`
	Prefix         string         `json:"prefix,omitempty"`
	Text           string         `json:"text,omitempty"`
	Type           ItemType       `json:"type"`
	EnableWhen     []EnableWhen   `json:"enableWhen,omitempty"`
	EnableBehavior string         `json:"enableBehavior,omitempty"`
	Required       *bool          `json:"required,omitempty"`
	Repeats        *bool          `json:"repeats,omitempty"`
	ReadOnly       *bool          `json:"readOnly,omitempty"`
	MaxLength      *int           `json:"maxLength,omitempty"`
	AnswerValueSet string         `json:"answerValueSet,omitempty"`
	AnswerOption   []AnswerOption `json:"answerOption,omitempty"`
	Initial        []Initial      `json:"initial,omitempty"`
	Item           []Item         `json:"item,omitempty"`
}

// IsRequired and IsRepeating read the optional flags (absent = false).
func (it *Item) IsRequired() bool  { return it.Required != nil && *it.Required }
func (it *Item) IsRepeating() bool { return it.Repeats != nil && *it.Repeats }

// EnableWhen is Questionnaire.item.enableWhen: exactly one answer[x].
type EnableWhen struct {
	Question        string     `json:"question"`
	Operator        string     `json:"operator"`
	AnswerBoolean   *bool      `json:"answerBoolean,omitempty"`
	AnswerDecimal   *float64   `json:"answerDecimal,omitempty"`
	AnswerInteger   *int64     `json:"answerInteger,omitempty"`
	AnswerDate      *string    `json:"answerDate,omitempty"`
	AnswerDateTime  *string    `json:"answerDateTime,omitempty"`
	AnswerTime      *string    `json:"answerTime,omitempty"`
	AnswerString    *string    `json:"answerString,omitempty"`
	AnswerCoding    *Coding    `json:"answerCoding,omitempty"`
	AnswerQuantity  *Quantity  `json:"answerQuantity,omitempty"`
	AnswerReference *Reference `json:"answerReference,omitempty"`
}

// AnswerOption is Questionnaire.item.answerOption.
type AnswerOption struct {
	Extension       []Extension `json:"extension,omitempty"`
	ValueInteger    *int64      `json:"valueInteger,omitempty"`
	ValueDate       *string     `json:"valueDate,omitempty"`
	ValueTime       *string     `json:"valueTime,omitempty"`
	ValueString     *string     `json:"valueString,omitempty"`
	ValueCoding     *Coding     `json:"valueCoding,omitempty"`
	ValueReference  *Reference  `json:"valueReference,omitempty"`
	InitialSelected *bool       `json:"initialSelected,omitempty"`
}

// Initial is Questionnaire.item.initial.
type Initial struct {
	ValueBoolean *bool    `json:"valueBoolean,omitempty"`
	ValueDecimal *float64 `json:"valueDecimal,omitempty"`
	ValueInteger *int64   `json:"valueInteger,omitempty"`
	ValueDate    *string  `json:"valueDate,omitempty"`
	ValueString  *string  `json:"valueString,omitempty"`
	ValueCoding  *Coding  `json:"valueCoding,omitempty"`
}

// Coding is the R4 Coding data type.
type Coding struct {
	Extension    []Extension `json:"extension,omitempty"`
	System       string      `json:"system,omitempty"`
	Version      string      `json:"version,omitempty"`
	Code         string      `json:"code,omitempty"`
	Display      string      `json:"display,omitempty"`
	UserSelected *bool       `json:"userSelected,omitempty"`
}

// CodeableConcept is the R4 CodeableConcept data type.
type CodeableConcept struct {
	Coding []Coding `json:"coding,omitempty"`
	Text   string   `json:"text,omitempty"`
}

// UsageContext is the R4 UsageContext data type (code plus a concept;
// Cifra writes focus and venue contexts on checklists).
type UsageContext struct {
	Code                 Coding           `json:"code"`
	ValueCodeableConcept *CodeableConcept `json:"valueCodeableConcept,omitempty"`
}

// Quantity is the R4 Quantity data type.
type Quantity struct {
	Value      *float64 `json:"value,omitempty"`
	Comparator string   `json:"comparator,omitempty"`
	Unit       string   `json:"unit,omitempty"`
	System     string   `json:"system,omitempty"`
	Code       string   `json:"code,omitempty"`
}

// Reference is the R4 Reference data type.
type Reference struct {
	Reference  string      `json:"reference,omitempty"`
	Type       string      `json:"type,omitempty"`
	Identifier *Identifier `json:"identifier,omitempty"`
	Display    string      `json:"display,omitempty"`
}

// Identifier is the R4 Identifier data type.
type Identifier struct {
	System string `json:"system,omitempty"`
	Value  string `json:"value,omitempty"`
}

// Extension is an R4 extension with the value types Cifra reads.
type Extension struct {
	URL          string      `json:"url"`
	ValueDecimal *float64    `json:"valueDecimal,omitempty"`
	ValueInteger *int64      `json:"valueInteger,omitempty"`
	ValueString  *string     `json:"valueString,omitempty"`
	ValueCode    *string     `json:"valueCode,omitempty"`
	ValueBoolean *bool       `json:"valueBoolean,omitempty"`
	ValueCoding  *Coding     `json:"valueCoding,omitempty"`
	Extension    []Extension `json:"extension,omitempty"`
}

// QuestionnaireResponse is the part of an R4 QuestionnaireResponse Cifra
// uses.
type QuestionnaireResponse struct {
	ResourceType  string         `json:"resourceType"`
	ID            string         `json:"id,omitempty"`
	Meta          *Meta          `json:"meta,omitempty"`
	Extension     []Extension    `json:"extension,omitempty"`
	Identifier    *Identifier    `json:"identifier,omitempty"`
	BasedOn       []Reference    `json:"basedOn,omitempty"`
	PartOf        []Reference    `json:"partOf,omitempty"`
	Questionnaire string         `json:"questionnaire,omitempty"`
	Status        string         `json:"status,omitempty"`
	Subject       *Reference     `json:"subject,omitempty"`
	Encounter     *Reference     `json:"encounter,omitempty"`
	Authored      string         `json:"authored,omitempty"`
	Author        *Reference     `json:"author,omitempty"`
	Source        *Reference     `json:"source,omitempty"`
	Item          []ResponseItem `json:"item,omitempty"`
}

// ResponseItem is QuestionnaireResponse.item.
type ResponseItem struct {
	LinkID     string         `json:"linkId"`
	Definition string         `json:"definition,omitempty"`
	Text       string         `json:"text,omitempty"`
	Answer     []Answer       `json:"answer,omitempty"`
	Item       []ResponseItem `json:"item,omitempty"`
}

// Answer is QuestionnaireResponse.item.answer: one value[x] and the items
// nested under that answer.
type Answer struct {
	ValueBoolean    *bool          `json:"valueBoolean,omitempty"`
	ValueDecimal    *float64       `json:"valueDecimal,omitempty"`
	ValueInteger    *int64         `json:"valueInteger,omitempty"`
	ValueDate       *string        `json:"valueDate,omitempty"`
	ValueDateTime   *string        `json:"valueDateTime,omitempty"`
	ValueTime       *string        `json:"valueTime,omitempty"`
	ValueString     *string        `json:"valueString,omitempty"`
	ValueURI        *string        `json:"valueUri,omitempty"`
	ValueAttachment *Attachment    `json:"valueAttachment,omitempty"`
	ValueCoding     *Coding        `json:"valueCoding,omitempty"`
	ValueQuantity   *Quantity      `json:"valueQuantity,omitempty"`
	ValueReference  *Reference     `json:"valueReference,omitempty"`
	Item            []ResponseItem `json:"item,omitempty"`
}

// Attachment is the R4 Attachment data type (metadata only).
type Attachment struct {
	ContentType string `json:"contentType,omitempty"`
	URL         string `json:"url,omitempty"`
	Title       string `json:"title,omitempty"`
	Size        *int64 `json:"size,omitempty"`
}

// Response statuses (R4 questionnaire-answers-status).
const (
	StatusInProgress     = "in-progress"
	StatusCompleted      = "completed"
	StatusAmended        = "amended"
	StatusEnteredInError = "entered-in-error"
	StatusStopped        = "stopped"
)

var responseStatuses = map[string]bool{
	StatusInProgress: true, StatusCompleted: true, StatusAmended: true,
	StatusEnteredInError: true, StatusStopped: true,
}

// Questionnaire publication statuses (R4 publication-status).
var publicationStatuses = map[string]bool{"draft": true, "active": true, "retired": true, "unknown": true}

// Score returns the ordinalValue (or itemWeight) among exts.
func Score(exts []Extension) (float64, bool) {
	for _, e := range exts {
		if e.URL == ExtOrdinalValue || e.URL == ExtItemWeight {
			switch {
			case e.ValueDecimal != nil:
				return *e.ValueDecimal, true
			case e.ValueInteger != nil:
				return float64(*e.ValueInteger), true
			}
		}
	}
	return 0, false
}
