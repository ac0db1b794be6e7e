// Display width for yargs' help layout. string-width 8 builds an Intl.Segmenter and a large
// emoji expression on first use, about 40 ms of every run (yargs lays out its help text even
// when it is not shown); help text needs only this: ANSI codes and combining marks take no
// room, East Asian wide characters and emoji take two columns.
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007]*\u0007/g;

function zeroWidth(cp) {
  return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0x300 && cp < 0x370) || cp === 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f);
}

function wide(cp) {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

export default function stringWidth(text) {
  if (typeof text !== "string" || text === "") return 0;
  let width = 0;
  for (const char of text.replace(ANSI, "")) {
    const cp = char.codePointAt(0);
    if (!zeroWidth(cp)) width += wide(cp) ? 2 : 1;
  }
  return width;
}
