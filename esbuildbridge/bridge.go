// Package nextguardast is nextguard's bridge to esbuild's JavaScript/TypeScript
// parser. esbuild keeps its parser under internal/, which the go command only lets
// packages below github.com/evanw/esbuild import; this module's path lies there so
// the analyzer can use the real parser and walk the real AST.
//
// The bridge holds no analysis logic: a Parse wrapper, type aliases so callers can
// type-switch on esbuild's node types, and the few constants they compare against.
// The pinned esbuild version is in go.mod; an upgrade is a deliberate change.
package nextguardast

import (
	"github.com/evanw/esbuild/internal/ast"
	"github.com/evanw/esbuild/internal/config"
	"github.com/evanw/esbuild/internal/js_ast"
	"github.com/evanw/esbuild/internal/js_parser"
	"github.com/evanw/esbuild/internal/logger"
)

// Loader selects the syntax a file is parsed with.
type Loader uint8

const (
	LoaderJS  Loader = iota // .js .mjs .cjs: JavaScript, JSX allowed (Next.js allows JSX in .js)
	LoaderJSX               // .jsx
	LoaderTS                // .ts .mts .cts: TypeScript without JSX
	LoaderTSX               // .tsx
)

// Message is one parser diagnostic with its byte offset into the source.
type Message struct {
	Text   string
	Offset int32
	Error  bool
}

// Parse parses contents as a module. ok is false when the file has syntax errors;
// the messages then say where. Parse never panics on malformed input by itself,
// but callers still recover, since the parser is not ours.
func Parse(path, contents string, loader Loader) (tree AST, msgs []Message, ok bool) {
	log := logger.NewDeferLog(logger.DeferLogNoVerboseOrDebug, nil)
	source := logger.Source{
		Index:          0,
		KeyPath:        logger.Path{Text: path, Namespace: "file"},
		PrettyPaths:    logger.PrettyPaths{Rel: path, Abs: path},
		Contents:       contents,
		IdentifierName: "module",
	}
	opts := config.Options{Mode: config.ModePassThrough}
	switch loader {
	case LoaderTS:
		opts.TS.Parse = true
	case LoaderTSX:
		opts.TS.Parse = true
		opts.JSX.Parse = true
	default:
		opts.JSX.Parse = true
	}
	tree, ok = js_parser.Parse(log, source, js_parser.OptionsFromConfig(&opts))
	for _, m := range log.Done() {
		if m.Kind != logger.Error && m.Kind != logger.Warning {
			continue
		}
		msg := Message{Text: m.Data.Text, Error: m.Kind == logger.Error, Offset: -1}
		if m.Data.Location != nil {
			msg.Offset = lineColToOffset(contents, m.Data.Location.Line, m.Data.Location.Column)
		}
		msgs = append(msgs, msg)
	}
	return tree, msgs, ok
}

// lineColToOffset turns esbuild's message location (1-based line, 0-based byte
// column) back into a byte offset so callers have one kind of position.
func lineColToOffset(s string, line, col int) int32 {
	off, cur := 0, 1
	for cur < line && off < len(s) {
		if s[off] == '\n' {
			cur++
		}
		off++
	}
	off += col
	if off > len(s) {
		off = len(s)
	}
	return int32(off)
}

// Symbol-level and position types from esbuild's ast and logger packages.
type (
	Ref          = ast.Ref
	Symbol       = ast.Symbol
	SymbolKind   = ast.SymbolKind
	ImportRecord = ast.ImportRecord
	ImportKind   = ast.ImportKind
	Index32      = ast.Index32
	LocRef       = ast.LocRef
	Loc          = logger.Loc
	Range        = logger.Range
	Path         = logger.Path
)

// InvalidRef is the zero-information reference esbuild uses for "no symbol".
var InvalidRef = ast.InvalidRef

// AST node types from esbuild's js_ast package.
type (
	L                           = js_ast.L
	OpCode                      = js_ast.OpCode
	AssignTarget                = js_ast.AssignTarget
	OpTableEntry                = js_ast.OpTableEntry
	Decorator                   = js_ast.Decorator
	PropertyKind                = js_ast.PropertyKind
	ClassStaticBlock            = js_ast.ClassStaticBlock
	PropertyFlags               = js_ast.PropertyFlags
	Property                    = js_ast.Property
	PropertyBinding             = js_ast.PropertyBinding
	Arg                         = js_ast.Arg
	Fn                          = js_ast.Fn
	FnBody                      = js_ast.FnBody
	Class                       = js_ast.Class
	ArrayBinding                = js_ast.ArrayBinding
	Binding                     = js_ast.Binding
	B                           = js_ast.B
	BMissing                    = js_ast.BMissing
	BIdentifier                 = js_ast.BIdentifier
	BArray                      = js_ast.BArray
	BObject                     = js_ast.BObject
	Expr                        = js_ast.Expr
	E                           = js_ast.E
	EArray                      = js_ast.EArray
	EUnary                      = js_ast.EUnary
	EBinary                     = js_ast.EBinary
	EBoolean                    = js_ast.EBoolean
	EMissing                    = js_ast.EMissing
	ESuper                      = js_ast.ESuper
	ENull                       = js_ast.ENull
	EUndefined                  = js_ast.EUndefined
	EThis                       = js_ast.EThis
	ENewTarget                  = js_ast.ENewTarget
	EImportMeta                 = js_ast.EImportMeta
	ENew                        = js_ast.ENew
	CallKind                    = js_ast.CallKind
	OptionalChain               = js_ast.OptionalChain
	ECall                       = js_ast.ECall
	EDot                        = js_ast.EDot
	EIndex                      = js_ast.EIndex
	EArrow                      = js_ast.EArrow
	EFunction                   = js_ast.EFunction
	EClass                      = js_ast.EClass
	EIdentifier                 = js_ast.EIdentifier
	EImportIdentifier           = js_ast.EImportIdentifier
	EPrivateIdentifier          = js_ast.EPrivateIdentifier
	ENameOfSymbol               = js_ast.ENameOfSymbol
	EJSXElement                 = js_ast.EJSXElement
	EJSXText                    = js_ast.EJSXText
	ENumber                     = js_ast.ENumber
	EBigInt                     = js_ast.EBigInt
	EObject                     = js_ast.EObject
	ESpread                     = js_ast.ESpread
	EString                     = js_ast.EString
	TemplatePart                = js_ast.TemplatePart
	ETemplate                   = js_ast.ETemplate
	ERegExp                     = js_ast.ERegExp
	EInlinedEnum                = js_ast.EInlinedEnum
	AnnotationFlags             = js_ast.AnnotationFlags
	EAnnotation                 = js_ast.EAnnotation
	EAwait                      = js_ast.EAwait
	EYield                      = js_ast.EYield
	EIf                         = js_ast.EIf
	ERequireString              = js_ast.ERequireString
	ERequireResolveString       = js_ast.ERequireResolveString
	EImportString               = js_ast.EImportString
	EImportCall                 = js_ast.EImportCall
	Stmt                        = js_ast.Stmt
	S                           = js_ast.S
	SBlock                      = js_ast.SBlock
	SEmpty                      = js_ast.SEmpty
	STypeScript                 = js_ast.STypeScript
	SComment                    = js_ast.SComment
	SDebugger                   = js_ast.SDebugger
	SDirective                  = js_ast.SDirective
	SExportClause               = js_ast.SExportClause
	SExportFrom                 = js_ast.SExportFrom
	SExportDefault              = js_ast.SExportDefault
	ExportStarAlias             = js_ast.ExportStarAlias
	SExportStar                 = js_ast.SExportStar
	SExportEquals               = js_ast.SExportEquals
	SLazyExport                 = js_ast.SLazyExport
	SExpr                       = js_ast.SExpr
	EnumValue                   = js_ast.EnumValue
	SEnum                       = js_ast.SEnum
	SNamespace                  = js_ast.SNamespace
	SFunction                   = js_ast.SFunction
	SClass                      = js_ast.SClass
	SLabel                      = js_ast.SLabel
	SIf                         = js_ast.SIf
	SFor                        = js_ast.SFor
	SForIn                      = js_ast.SForIn
	SForOf                      = js_ast.SForOf
	SDoWhile                    = js_ast.SDoWhile
	SWhile                      = js_ast.SWhile
	SWith                       = js_ast.SWith
	Catch                       = js_ast.Catch
	Finally                     = js_ast.Finally
	STry                        = js_ast.STry
	Case                        = js_ast.Case
	SSwitch                     = js_ast.SSwitch
	SImport                     = js_ast.SImport
	SReturn                     = js_ast.SReturn
	SThrow                      = js_ast.SThrow
	LocalKind                   = js_ast.LocalKind
	SLocal                      = js_ast.SLocal
	SBreak                      = js_ast.SBreak
	SContinue                   = js_ast.SContinue
	ClauseItem                  = js_ast.ClauseItem
	Decl                        = js_ast.Decl
	ScopeKind                   = js_ast.ScopeKind
	ScopeMember                 = js_ast.ScopeMember
	Scope                       = js_ast.Scope
	StrictModeKind              = js_ast.StrictModeKind
	TSNamespaceScope            = js_ast.TSNamespaceScope
	TSNamespaceMembers          = js_ast.TSNamespaceMembers
	TSNamespaceMember           = js_ast.TSNamespaceMember
	TSNamespaceMemberData       = js_ast.TSNamespaceMemberData
	TSNamespaceMemberProperty   = js_ast.TSNamespaceMemberProperty
	TSNamespaceMemberNamespace  = js_ast.TSNamespaceMemberNamespace
	TSNamespaceMemberEnumNumber = js_ast.TSNamespaceMemberEnumNumber
	TSNamespaceMemberEnumString = js_ast.TSNamespaceMemberEnumString
	ExportsKind                 = js_ast.ExportsKind
	ModuleType                  = js_ast.ModuleType
	ModuleTypeData              = js_ast.ModuleTypeData
	AST                         = js_ast.AST
	TSEnumValue                 = js_ast.TSEnumValue
	ConstValueKind              = js_ast.ConstValueKind
	ConstValue                  = js_ast.ConstValue
	NamedImport                 = js_ast.NamedImport
	NamedExport                 = js_ast.NamedExport
	Part                        = js_ast.Part
	Dependency                  = js_ast.Dependency
	DeclaredSymbol              = js_ast.DeclaredSymbol
	SymbolUse                   = js_ast.SymbolUse
	SymbolCallUse               = js_ast.SymbolCallUse
)

// Operator, property and declaration kinds compared against by the analyzer.
const (
	UnOpPos                      = js_ast.UnOpPos
	UnOpNeg                      = js_ast.UnOpNeg
	UnOpCpl                      = js_ast.UnOpCpl
	UnOpNot                      = js_ast.UnOpNot
	UnOpVoid                     = js_ast.UnOpVoid
	UnOpTypeof                   = js_ast.UnOpTypeof
	UnOpDelete                   = js_ast.UnOpDelete
	UnOpPreDec                   = js_ast.UnOpPreDec
	UnOpPreInc                   = js_ast.UnOpPreInc
	UnOpPostDec                  = js_ast.UnOpPostDec
	UnOpPostInc                  = js_ast.UnOpPostInc
	BinOpAdd                     = js_ast.BinOpAdd
	BinOpSub                     = js_ast.BinOpSub
	BinOpMul                     = js_ast.BinOpMul
	BinOpDiv                     = js_ast.BinOpDiv
	BinOpRem                     = js_ast.BinOpRem
	BinOpPow                     = js_ast.BinOpPow
	BinOpLt                      = js_ast.BinOpLt
	BinOpLe                      = js_ast.BinOpLe
	BinOpGt                      = js_ast.BinOpGt
	BinOpGe                      = js_ast.BinOpGe
	BinOpIn                      = js_ast.BinOpIn
	BinOpInstanceof              = js_ast.BinOpInstanceof
	BinOpShl                     = js_ast.BinOpShl
	BinOpShr                     = js_ast.BinOpShr
	BinOpUShr                    = js_ast.BinOpUShr
	BinOpLooseEq                 = js_ast.BinOpLooseEq
	BinOpLooseNe                 = js_ast.BinOpLooseNe
	BinOpStrictEq                = js_ast.BinOpStrictEq
	BinOpStrictNe                = js_ast.BinOpStrictNe
	BinOpNullishCoalescing       = js_ast.BinOpNullishCoalescing
	BinOpLogicalOr               = js_ast.BinOpLogicalOr
	BinOpLogicalAnd              = js_ast.BinOpLogicalAnd
	BinOpBitwiseOr               = js_ast.BinOpBitwiseOr
	BinOpBitwiseAnd              = js_ast.BinOpBitwiseAnd
	BinOpBitwiseXor              = js_ast.BinOpBitwiseXor
	BinOpComma                   = js_ast.BinOpComma
	BinOpAssign                  = js_ast.BinOpAssign
	BinOpAddAssign               = js_ast.BinOpAddAssign
	BinOpSubAssign               = js_ast.BinOpSubAssign
	BinOpMulAssign               = js_ast.BinOpMulAssign
	BinOpDivAssign               = js_ast.BinOpDivAssign
	BinOpRemAssign               = js_ast.BinOpRemAssign
	BinOpPowAssign               = js_ast.BinOpPowAssign
	BinOpShlAssign               = js_ast.BinOpShlAssign
	BinOpShrAssign               = js_ast.BinOpShrAssign
	BinOpUShrAssign              = js_ast.BinOpUShrAssign
	BinOpBitwiseOrAssign         = js_ast.BinOpBitwiseOrAssign
	BinOpBitwiseAndAssign        = js_ast.BinOpBitwiseAndAssign
	BinOpBitwiseXorAssign        = js_ast.BinOpBitwiseXorAssign
	BinOpNullishCoalescingAssign = js_ast.BinOpNullishCoalescingAssign
	BinOpLogicalOrAssign         = js_ast.BinOpLogicalOrAssign
	BinOpLogicalAndAssign        = js_ast.BinOpLogicalAndAssign
	PropertyField                = js_ast.PropertyField
	PropertyMethod               = js_ast.PropertyMethod
	PropertyGetter               = js_ast.PropertyGetter
	PropertySetter               = js_ast.PropertySetter
	PropertyAutoAccessor         = js_ast.PropertyAutoAccessor
	PropertySpread               = js_ast.PropertySpread
	PropertyDeclareOrAbstract    = js_ast.PropertyDeclareOrAbstract
	PropertyClassStaticBlock     = js_ast.PropertyClassStaticBlock
	PropertyIsComputed           = js_ast.PropertyIsComputed
	PropertyIsStatic             = js_ast.PropertyIsStatic
	PropertyWasShorthand         = js_ast.PropertyWasShorthand
	PropertyPreferQuotedKey      = js_ast.PropertyPreferQuotedKey
	LocalVar                     = js_ast.LocalVar
	LocalLet                     = js_ast.LocalLet
	LocalConst                   = js_ast.LocalConst
	LocalUsing                   = js_ast.LocalUsing
	LocalAwaitUsing              = js_ast.LocalAwaitUsing
)
