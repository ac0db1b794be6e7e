// Waits for a task to finish: a first delay, then one check per interval until the task is
// completed or failed, or --max-wait runs out. A transient failure never ends the wait.
import { ApiClient, DeadlineReached } from "./api";
import { roundedSeconds, sleep } from "./backoff";
import { CliError } from "./errors";
import { commandLine, formatDuration, progress } from "./output";
import type { TaskResponse } from "./types";

export interface FollowPlan {
  taskId: string;
  /** Seconds before the first check. */
  firstDelay: number;
  interval: number;
  /** Epoch milliseconds after which no new check starts. */
  deadline: number;
  /** Epoch milliseconds the elapsed times in progress lines count from. */
  since: number;
}

export function resumeCommand(taskId: string): string {
  return commandLine(["status", "--task-id", taskId, "--follow"]);
}

function waitTimeout(plan: FollowPlan): CliError {
  const waited = formatDuration((Date.now() - plan.since) / 1000);
  const resume = resumeCommand(plan.taskId);
  return new CliError("WAIT_TIMEOUT", `Task ${plan.taskId} is still processing after ${waited}; --max-wait ran out, the task goes on at the server.`, {
    taskId: plan.taskId,
    action: `Resume waiting with: ${resume} (do not submit again).`,
    extra: { status: "processing", resumeCommand: resume },
  });
}

async function waitUntil(epochMs: number): Promise<void> {
  await sleep((epochMs - Date.now()) / 1000);
}

export async function follow(client: ApiClient, plan: FollowPlan): Promise<TaskResponse> {
  await waitUntil(Math.min(Date.now() + plan.firstDelay * 1000, plan.deadline));
  for (let check = 1; ; check++) {
    let answer: TaskResponse;
    try {
      answer = await client.checkStatus(plan.taskId, Infinity, plan.deadline, (what, delay) =>
        progress(`check ${check}: ${what}, retrying in ${roundedSeconds(delay)}`),
      );
    } catch (error) {
      if (error instanceof DeadlineReached) throw waitTimeout(plan);
      throw error;
    }
    progress(`check ${check} at ${formatDuration((Date.now() - plan.since) / 1000)}: ${answer.status}`);
    if (answer.status !== "processing") return answer;
    if (Date.now() >= plan.deadline) throw waitTimeout(plan);
    await waitUntil(Math.min(Date.now() + plan.interval * 1000, plan.deadline));
  }
}
