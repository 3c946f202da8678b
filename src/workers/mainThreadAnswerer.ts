import type { AnswerResult, AskOptions } from '../answer/types.js';
import type { QuestionAnswerer } from './answerPool.js';

/**
 * Extractive answers on the bot's main thread (ANSWER_WORKERS=0), one at a time, each started in an event-loop
 * turn of its own. An answer is a few milliseconds of CPU; what delayed acknowledgements was answers running back
 * to back: every answer whose deferral had come back queued a setImmediate, and Node runs all the immediates
 * queued before a check phase in that one phase, so an interaction that arrived meanwhile waited for all of them
 * (ack p99 ~95 ms at 20 in flight). Here only one answer runs per turn; between two, the loop polls the gateway
 * socket, so a new interaction is read after at most the one answer that was running; and an answer about to
 * start first waits (`beforeEachAnswer`, the bot's pending acknowledgements) until the deferrals read meanwhile
 * are sent. Order is first come, first served.
 */
export class MainThreadAnswerer implements QuestionAnswerer {
  private readonly waiting: (() => void)[] = [];
  private busy = false;

  constructor(
    private readonly engine: QuestionAnswerer,
    private readonly beforeEachAnswer: () => Promise<void> = () => Promise.resolve(),
  ) {}

  async ask(question: string, options?: AskOptions): Promise<AnswerResult> {
    await new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      if (!this.busy) this.startNext();
    });
    try {
      await this.beforeEachAnswer();
      return await this.engine.ask(question, options);
    } finally {
      this.startNext();
    }
  }

  /** Questions not yet started. */
  get queued(): number {
    return this.waiting.length;
  }

  private startNext(): void {
    const next = this.waiting.shift();
    this.busy = next !== undefined;
    // setImmediate from here (a finished answer, or a new question) runs after the next poll phase.
    if (next) setImmediate(next);
  }
}
