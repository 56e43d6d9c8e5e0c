/** The lab pages' inline style: self-contained pages, no external resource. */
export const PAGE_STYLE = `
body { font-family: system-ui, sans-serif; margin: 1.5em auto; max-width: 70em; color: #1f2328; }
h2 { border-bottom: 1px solid #d0d7de; padding-bottom: .2em; }
code, pre { font-family: ui-monospace, monospace; }
pre.rules { background: #f6f8fa; padding: .6em; overflow-x: auto; }
.truth { font-size: 1.2em; }
.ok { color: #1a7f37; font-weight: bold; }
.bad { color: #cf222e; font-weight: bold; }
table { border-collapse: collapse; margin: .5em 0; }
th, td { border: 1px solid #d0d7de; padding: .25em .6em; text-align: left; }
svg.ladder { border: 1px solid #d0d7de; background: #fff; }
.ladder-box { max-width: 100%; overflow-x: auto; }
`;
