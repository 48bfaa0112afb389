const BAR_WIDTH = 30;

/**
 * The progress of a long command (an import, a rollup rebuild): a bar redrawn in place when `tty`
 * is a terminal, otherwise a line through `line` every tenth of the way (for a pipe or a log).
 *
 * @returns a function taking how much is done out of `total` and the text shown after the bar.
 */
export function progressDisplay(
  line: (text: string) => void,
  tty: NodeJS.WriteStream | undefined,
): (done: number, total: number, text: string) => void {
  let lastTenth = -1;
  return (done, total, text) => {
    const share = total <= 0 ? 1 : Math.min(1, done / total);
    if (tty?.isTTY) {
      const filled = Math.round(share * BAR_WIDTH);
      tty.write(`\r[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${text}\x1b[K`);
      if (done >= total) tty.write('\n');
      return;
    }
    const tenth = Math.floor(share * 10);
    if (tenth > lastTenth) {
      lastTenth = tenth;
      line(text);
    }
  };
}
