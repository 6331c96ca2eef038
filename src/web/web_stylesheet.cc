// The web view's one stylesheet ("style.css"): system fonts, readable tables, failing rows
// and diff lines marked by background and border (their meaning is also in words: the pages
// never rely on colour alone), hashes in monospace that wrap.
#include "policyd/web_pages.h"

namespace policyd {

const std::string_view kWebStylesheet = R"css(:root { color-scheme: light dark; }
body { font-family: system-ui, sans-serif; line-height: 1.4; margin: 0 auto; max-width: 90rem;
       padding: 0 1rem 2rem; }
nav { padding: .6rem 0; border-bottom: 1px solid #8886; margin-bottom: 1rem; }
h1 { font-size: 1.5rem; overflow-wrap: anywhere; }
h2 { font-size: 1.2rem; margin-top: 2rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .2rem .5rem;
         border-bottom: 1px solid #8884; }
thead th { border-bottom: 2px solid #8888; }
td.num { text-align: right; white-space: nowrap; }
th[scope=row] { white-space: nowrap; }  /* a document id reads as one word */
dl.fields, dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.fields dl.fields { margin: 0; }
dt { font-weight: 600; }
dd { margin: 0; overflow-wrap: anywhere; }
code, .hash { font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
time { white-space: nowrap; }
tr.failing { background: #f002; }
tr.failing td.status, strong.failing { color: #c00; }
.alert { border-left: 4px solid #c00; padding: .4rem .8rem; background: #f001; }
.note { font-style: italic; }
.vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
      clip-path: inset(50%); white-space: nowrap; }
form.compare { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; }
fieldset { border: 1px solid #8886; }
table.diff { font-family: ui-monospace, monospace; font-size: .9rem; table-layout: auto; }
table.diff td { border: 0; padding: 0 .4rem; }
table.diff td.ln { color: #888; text-align: right; width: 1%; white-space: nowrap;
                   user-select: none; }
table.diff td.mark { width: 1%; white-space: pre; user-select: none; }
table.diff td.code { white-space: pre-wrap; overflow-wrap: anywhere; }
table.diff.side-by-side td.code { width: 49%; }
table.diff ins, table.diff del { text-decoration: none; }
table.diff tr.add td, table.diff td.code:has(ins) { background: #0a02; }
table.diff tr.del td, table.diff td.code:has(del) { background: #f002; }
table.diff tr.chg td { background: #fa02; }
table.diff tr.add td.mark, table.diff tr.del td.mark { font-weight: bold; }
table.diff tr.hunk td { color: #06c; background: #06c1; padding: .2rem .4rem; }
table.diff tr.note td { font-style: italic; }
table.diff td.empty { background: #8881; }
)css";

}  // namespace policyd
