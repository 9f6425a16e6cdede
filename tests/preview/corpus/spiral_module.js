// A JavaScript module that imports d3 and draws a spiral onto a canvas it creates.
// @expect canvas#spiral
// @expect-text Golden spiral
import * as d3 from "d3";

const heading = document.createElement("h2");
heading.textContent = "Golden spiral";
document.body.append(heading);

const canvas = document.createElement("canvas");
canvas.id = "spiral";
canvas.width = 400;
canvas.height = 400;
document.body.append(canvas);

const ctx = canvas.getContext("2d");
const color = d3.scaleSequential(d3.interpolateTurbo).domain([0, 600]);
for (let i = 0; i < 600; i++) {
  const angle = i * 0.1;
  const radius = 2 * Math.exp(0.0053 * i * 10) % 190;
  ctx.fillStyle = color(i);
  ctx.beginPath();
  ctx.arc(200 + radius * Math.cos(angle), 200 + radius * Math.sin(angle), 3, 0, Math.PI * 2);
  ctx.fill();
}
export const points = 600;
