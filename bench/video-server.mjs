// The benchmark's local server, in a process of its own so it never shares an event loop with
// the measurement: /video.mp4 is 256 MiB; any POST answers a completed task pointing at it.
import { createServer } from "node:http";

const video = Buffer.alloc(256 * 1024 * 1024, 7);
const server = createServer((req, res) => {
  if (req.method === "GET") {
    res.writeHead(200, { "Content-Type": "video/mp4", "Content-Length": String(video.length) });
    res.end(video);
    return;
  }
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "Content-Type": "application/json" });
    const videoUrl = `http://127.0.0.1:${server.address().port}/video.mp4`;
    res.end(JSON.stringify({ success: true, status: "completed", taskId: "task_bench", videoUrl, generationTime: 1, creditsUsed: 4 }));
  });
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`${server.address().port}\n`));
