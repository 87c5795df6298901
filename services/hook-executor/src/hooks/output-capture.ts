/** One stream's capture: the first `cap` bytes, and how many bytes there were. */
export class OutputCapture {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private total = 0;

  constructor(private readonly cap: number) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.kept >= this.cap) return;
    const room = this.cap - this.kept;
    const piece = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.chunks.push(piece);
    this.kept += piece.length;
  }

  /** Invalid UTF-8 (and a character cut at the cap) becomes U+FFFD. */
  result(): { text: string; truncated: boolean; bytes: number } {
    return { text: new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(this.chunks, this.kept)), truncated: this.total > this.kept, bytes: this.total };
  }
}
