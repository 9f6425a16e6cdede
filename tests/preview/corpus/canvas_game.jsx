// A canvas game loop: requestAnimationFrame in an effect, keyboard input, a score in state.
// @expect canvas#game
// @expect-text Score: 0
// @click button#start
// @expect-text Running
import { useEffect, useRef, useState } from "react";

const W = 480;
const H = 320;

export default function BounceGame() {
  const canvasRef = useRef(null);
  const [running, setRunning] = useState(false);
  const [score, setScore] = useState(0);
  const state = useRef({ x: 60, y: 60, vx: 3, vy: 2.5, paddle: W / 2 - 40 });

  useEffect(() => {
    const ctx = canvasRef.current.getContext("2d");
    let frame;
    const draw = () => {
      const s = state.current;
      if (running) {
        s.x += s.vx;
        s.y += s.vy;
        if (s.x < 8 || s.x > W - 8) s.vx *= -1;
        if (s.y < 8) s.vy *= -1;
        if (s.y > H - 20 && s.x > s.paddle && s.x < s.paddle + 80) {
          s.vy *= -1;
          setScore((n) => n + 1);
        }
        if (s.y > H) { s.x = 60; s.y = 60; }
      }
      ctx.fillStyle = "#0f172a";
      ctx.fillRect(0, 0, W, H);
      ctx.fillStyle = "#38bdf8";
      ctx.beginPath();
      ctx.arc(s.x, s.y, 8, 0, Math.PI * 2);
      ctx.fill();
      ctx.fillStyle = "#f472b6";
      ctx.fillRect(s.paddle, H - 12, 80, 8);
      frame = requestAnimationFrame(draw);
    };
    draw();
    const onKey = (e) => {
      if (e.key === "ArrowLeft") state.current.paddle = Math.max(0, state.current.paddle - 24);
      if (e.key === "ArrowRight") state.current.paddle = Math.min(W - 80, state.current.paddle + 24);
    };
    window.addEventListener("keydown", onKey);
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener("keydown", onKey);
    };
  }, [running]);

  return (
    <div className="flex flex-col items-center gap-4 p-6 bg-slate-800 min-h-screen text-white">
      <h1 className="text-2xl font-bold">Bounce</h1>
      <p className="text-lg">Score: {score}</p>
      <canvas id="game" ref={canvasRef} width={W} height={H} className="rounded-lg shadow-lg" />
      <button id="start" onClick={() => setRunning((r) => !r)} className="px-4 py-2 rounded bg-sky-500">
        {running ? "Running — click to pause" : "Start"}
      </button>
      <p className="text-sm text-slate-400">Use ← and → to move the paddle.</p>
    </div>
  );
}
