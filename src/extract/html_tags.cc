#include "html_tags.h"

#include <array>
#include <initializer_list>

namespace policyd::extract_internal {
namespace {

using Table = std::array<uint32_t, GUMBO_TAG_LAST + 1>;

constexpr void Set(Table& table, std::initializer_list<GumboTag> tags, uint32_t flag) {
  for (const GumboTag tag : tags) table[tag] |= flag;
}

constexpr Table MakeTable() {
  Table t{};
  Set(t, {GUMBO_TAG_AREA,   GUMBO_TAG_BASE,  GUMBO_TAG_BASEFONT, GUMBO_TAG_BGSOUND,
          GUMBO_TAG_BR,     GUMBO_TAG_COL,   GUMBO_TAG_EMBED,    GUMBO_TAG_FRAME,
          GUMBO_TAG_HR,     GUMBO_TAG_IMAGE, GUMBO_TAG_IMG,      GUMBO_TAG_INPUT,
          GUMBO_TAG_KEYGEN, GUMBO_TAG_LINK,  GUMBO_TAG_META,     GUMBO_TAG_PARAM,
          GUMBO_TAG_SOURCE, GUMBO_TAG_TRACK, GUMBO_TAG_WBR,      GUMBO_TAG_MENUITEM,
          GUMBO_TAG_ISINDEX},
      kVoid);
  Set(t,
      {GUMBO_TAG_SCRIPT, GUMBO_TAG_STYLE, GUMBO_TAG_TEXTAREA, GUMBO_TAG_TITLE, GUMBO_TAG_XMP,
       GUMBO_TAG_IFRAME, GUMBO_TAG_NOEMBED, GUMBO_TAG_NOFRAMES},
      kRawText);
  Set(t,
      {GUMBO_TAG_P,        GUMBO_TAG_LI,    GUMBO_TAG_DT,      GUMBO_TAG_DD,       GUMBO_TAG_OPTION,
       GUMBO_TAG_OPTGROUP, GUMBO_TAG_TR,    GUMBO_TAG_TD,      GUMBO_TAG_TH,       GUMBO_TAG_THEAD,
       GUMBO_TAG_TBODY,    GUMBO_TAG_TFOOT, GUMBO_TAG_CAPTION, GUMBO_TAG_COLGROUP, GUMBO_TAG_RB,
       GUMBO_TAG_RT,       GUMBO_TAG_RTC,   GUMBO_TAG_RP,      GUMBO_TAG_HTML,     GUMBO_TAG_HEAD,
       GUMBO_TAG_BODY},
      kImpliedEnd);
  Set(t,
      {GUMBO_TAG_ADDRESS,
       GUMBO_TAG_APPLET,
       GUMBO_TAG_AREA,
       GUMBO_TAG_ARTICLE,
       GUMBO_TAG_ASIDE,
       GUMBO_TAG_BASE,
       GUMBO_TAG_BASEFONT,
       GUMBO_TAG_BGSOUND,
       GUMBO_TAG_BLOCKQUOTE,
       GUMBO_TAG_BODY,
       GUMBO_TAG_BR,
       GUMBO_TAG_BUTTON,
       GUMBO_TAG_CAPTION,
       GUMBO_TAG_CENTER,
       GUMBO_TAG_COL,
       GUMBO_TAG_COLGROUP,
       GUMBO_TAG_DD,
       GUMBO_TAG_DETAILS,
       GUMBO_TAG_DIR,
       GUMBO_TAG_DIV,
       GUMBO_TAG_DL,
       GUMBO_TAG_DT,
       GUMBO_TAG_EMBED,
       GUMBO_TAG_FIELDSET,
       GUMBO_TAG_FIGCAPTION,
       GUMBO_TAG_FIGURE,
       GUMBO_TAG_FOOTER,
       GUMBO_TAG_FORM,
       GUMBO_TAG_FRAME,
       GUMBO_TAG_FRAMESET,
       GUMBO_TAG_H1,
       GUMBO_TAG_H2,
       GUMBO_TAG_H3,
       GUMBO_TAG_H4,
       GUMBO_TAG_H5,
       GUMBO_TAG_H6,
       GUMBO_TAG_HEAD,
       GUMBO_TAG_HEADER,
       GUMBO_TAG_HGROUP,
       GUMBO_TAG_HR,
       GUMBO_TAG_HTML,
       GUMBO_TAG_IFRAME,
       GUMBO_TAG_IMG,
       GUMBO_TAG_INPUT,
       GUMBO_TAG_LI,
       GUMBO_TAG_LINK,
       GUMBO_TAG_LISTING,
       GUMBO_TAG_MAIN,
       GUMBO_TAG_MARQUEE,
       GUMBO_TAG_MENU,
       GUMBO_TAG_META,
       GUMBO_TAG_NAV,
       GUMBO_TAG_NOEMBED,
       GUMBO_TAG_NOFRAMES,
       GUMBO_TAG_NOSCRIPT,
       GUMBO_TAG_OBJECT,
       GUMBO_TAG_OL,
       GUMBO_TAG_P,
       GUMBO_TAG_PARAM,
       GUMBO_TAG_PLAINTEXT,
       GUMBO_TAG_PRE,
       GUMBO_TAG_SCRIPT,
       GUMBO_TAG_SECTION,
       GUMBO_TAG_SELECT,
       GUMBO_TAG_SOURCE,
       GUMBO_TAG_STYLE,
       GUMBO_TAG_SUMMARY,
       GUMBO_TAG_TABLE,
       GUMBO_TAG_TBODY,
       GUMBO_TAG_TD,
       GUMBO_TAG_TEMPLATE,
       GUMBO_TAG_TEXTAREA,
       GUMBO_TAG_TFOOT,
       GUMBO_TAG_TH,
       GUMBO_TAG_THEAD,
       GUMBO_TAG_TITLE,
       GUMBO_TAG_TR,
       GUMBO_TAG_TRACK,
       GUMBO_TAG_UL,
       GUMBO_TAG_WBR,
       GUMBO_TAG_XMP,
       GUMBO_TAG_MI,
       GUMBO_TAG_MO,
       GUMBO_TAG_MN,
       GUMBO_TAG_MS,
       GUMBO_TAG_MTEXT,
       GUMBO_TAG_ANNOTATION_XML,
       GUMBO_TAG_FOREIGNOBJECT,
       GUMBO_TAG_DESC},
      kSpecial);
  Set(t,
      {GUMBO_TAG_APPLET, GUMBO_TAG_CAPTION, GUMBO_TAG_HTML, GUMBO_TAG_TABLE, GUMBO_TAG_TD,
       GUMBO_TAG_TH, GUMBO_TAG_MARQUEE, GUMBO_TAG_OBJECT, GUMBO_TAG_TEMPLATE},
      kScopeBoundary);
  Set(t,
      {GUMBO_TAG_A, GUMBO_TAG_B, GUMBO_TAG_BIG, GUMBO_TAG_CODE, GUMBO_TAG_EM, GUMBO_TAG_FONT,
       GUMBO_TAG_I, GUMBO_TAG_NOBR, GUMBO_TAG_S, GUMBO_TAG_SMALL, GUMBO_TAG_STRIKE,
       GUMBO_TAG_STRONG, GUMBO_TAG_TT, GUMBO_TAG_U},
      kFormatting);
  Set(t, {GUMBO_TAG_ADDRESS, GUMBO_TAG_ARTICLE,   GUMBO_TAG_ASIDE,      GUMBO_TAG_BLOCKQUOTE,
          GUMBO_TAG_BODY,    GUMBO_TAG_CAPTION,   GUMBO_TAG_CENTER,     GUMBO_TAG_DD,
          GUMBO_TAG_DETAILS, GUMBO_TAG_DIR,       GUMBO_TAG_DIV,        GUMBO_TAG_DL,
          GUMBO_TAG_DT,      GUMBO_TAG_FIELDSET,  GUMBO_TAG_FIGCAPTION, GUMBO_TAG_FIGURE,
          GUMBO_TAG_FOOTER,  GUMBO_TAG_FORM,      GUMBO_TAG_FRAMESET,   GUMBO_TAG_H1,
          GUMBO_TAG_H2,      GUMBO_TAG_H3,        GUMBO_TAG_H4,         GUMBO_TAG_H5,
          GUMBO_TAG_H6,      GUMBO_TAG_HEADER,    GUMBO_TAG_HGROUP,     GUMBO_TAG_HR,
          GUMBO_TAG_HTML,    GUMBO_TAG_LEGEND,    GUMBO_TAG_LI,         GUMBO_TAG_LISTING,
          GUMBO_TAG_MAIN,    GUMBO_TAG_MENU,      GUMBO_TAG_NAV,        GUMBO_TAG_OL,
          GUMBO_TAG_P,       GUMBO_TAG_PLAINTEXT, GUMBO_TAG_PRE,        GUMBO_TAG_SECTION,
          GUMBO_TAG_SUMMARY, GUMBO_TAG_TABLE,     GUMBO_TAG_TBODY,      GUMBO_TAG_TD,
          GUMBO_TAG_TFOOT,   GUMBO_TAG_TH,        GUMBO_TAG_THEAD,      GUMBO_TAG_TR,
          GUMBO_TAG_UL,      GUMBO_TAG_XMP,       GUMBO_TAG_MULTICOL},
      kBlock);
  Set(t, {GUMBO_TAG_SCRIPT,   GUMBO_TAG_STYLE,    GUMBO_TAG_NOSCRIPT, GUMBO_TAG_TEMPLATE,
          GUMBO_TAG_SVG,      GUMBO_TAG_CANVAS,   GUMBO_TAG_IFRAME,   GUMBO_TAG_OBJECT,
          GUMBO_TAG_EMBED,    GUMBO_TAG_APPLET,   GUMBO_TAG_INPUT,    GUMBO_TAG_SELECT,
          GUMBO_TAG_TEXTAREA, GUMBO_TAG_DATALIST, GUMBO_TAG_OPTION,   GUMBO_TAG_OPTGROUP,
          GUMBO_TAG_KEYGEN,   GUMBO_TAG_PROGRESS, GUMBO_TAG_METER,    GUMBO_TAG_HEAD,
          GUMBO_TAG_TITLE,    GUMBO_TAG_BASE,     GUMBO_TAG_LINK,     GUMBO_TAG_META,
          GUMBO_TAG_VIDEO,    GUMBO_TAG_AUDIO,    GUMBO_TAG_SOURCE,   GUMBO_TAG_TRACK,
          GUMBO_TAG_NOFRAMES, GUMBO_TAG_NOEMBED,  GUMBO_TAG_FRAMESET, GUMBO_TAG_FRAME,
          GUMBO_TAG_IMG,      GUMBO_TAG_IMAGE,    GUMBO_TAG_PARAM,    GUMBO_TAG_AREA,
          GUMBO_TAG_MAP,      GUMBO_TAG_MARQUEE},
      kNotText);
  Set(t, {GUMBO_TAG_HEADER, GUMBO_TAG_FOOTER, GUMBO_TAG_ASIDE}, kPageChrome);
  Set(t, {GUMBO_TAG_ARTICLE, GUMBO_TAG_ASIDE, GUMBO_TAG_MAIN, GUMBO_TAG_NAV, GUMBO_TAG_SECTION},
      kSectioning);
  Set(t, {GUMBO_TAG_H1, GUMBO_TAG_H2, GUMBO_TAG_H3, GUMBO_TAG_H4, GUMBO_TAG_H5, GUMBO_TAG_H6},
      kHeading);
  return t;
}

constexpr Table kTable = MakeTable();

const GumboVector kEmptyVector = {nullptr, 0, 0};

}  // namespace

uint32_t TagFlags(GumboTag tag) { return (tag >= 0 && tag <= GUMBO_TAG_LAST) ? kTable[tag] : 0; }

int HeadingLevel(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_H1:
      return 1;
    case GUMBO_TAG_H2:
      return 2;
    case GUMBO_TAG_H3:
      return 3;
    case GUMBO_TAG_H4:
      return 4;
    case GUMBO_TAG_H5:
      return 5;
    case GUMBO_TAG_H6:
      return 6;
    default:
      return 0;
  }
}

const char* GetAttr(const GumboNode* element, const char* name) {
  if (element->type != GUMBO_NODE_ELEMENT && element->type != GUMBO_NODE_TEMPLATE) {
    return nullptr;
  }
  const GumboAttribute* attr = gumbo_get_attribute(&element->v.element.attributes, name);
  return attr != nullptr ? attr->value : nullptr;
}

std::string_view OriginalTagName(const GumboNode* element) {
  if (element->type != GUMBO_NODE_ELEMENT && element->type != GUMBO_NODE_TEMPLATE) return {};
  if (element->v.element.tag != GUMBO_TAG_UNKNOWN) {
    return gumbo_normalized_tagname(element->v.element.tag);
  }
  GumboStringPiece piece = element->v.element.original_tag;
  if (piece.data == nullptr || piece.length == 0) return {};
  gumbo_tag_from_original_text(&piece);
  return {piece.data, piece.length};
}

const GumboVector& Children(const GumboNode* node) {
  switch (node->type) {
    case GUMBO_NODE_DOCUMENT:
      return node->v.document.children;
    case GUMBO_NODE_ELEMENT:
    case GUMBO_NODE_TEMPLATE:
      return node->v.element.children;
    default:
      return kEmptyVector;
  }
}

}  // namespace policyd::extract_internal
