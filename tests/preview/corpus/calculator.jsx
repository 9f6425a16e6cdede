// A calculator that evaluates the expression with eval, as generated calculators often do.
// @expect div#display
// @click button[data-key="7"]
// @click button[data-key="+"]
// @click button[data-key="8"]
// @click button[data-key="*"]
// @click button[data-key="2"]
// @click button[data-key="="]
// @then-text 23
import { useState } from "react";

const KEYS = ["7", "8", "9", "/", "4", "5", "6", "*", "1", "2", "3", "-", "0", ".", "=", "+"];

export default function Calculator() {
  const [expr, setExpr] = useState("");
  const [result, setResult] = useState(null);

  const press = (key) => {
    if (key === "=") {
      try {
        // eslint-disable-next-line no-eval
        const value = eval(expr);
        setResult(Number.isFinite(value) ? value : "Error");
        setExpr(String(value));
      } catch {
        setResult("Error");
      }
      return;
    }
    setResult(null);
    setExpr((e) => e + key);
  };

  return (
    <div className="min-h-screen flex items-center justify-center bg-gray-900">
      <div className="w-72 bg-gray-800 rounded-2xl p-4 shadow-2xl">
        <div id="display" className="bg-gray-700 text-right text-white text-3xl font-mono rounded-lg p-4 mb-4 h-20 overflow-hidden">
          {result !== null ? result : expr || "0"}
        </div>
        <div className="grid grid-cols-4 gap-2">
          {KEYS.map((k) => (
            <button key={k} data-key={k} onClick={() => press(k)}
              className={`h-14 rounded-xl text-xl font-semibold ${"/*-+=".includes(k) ? "bg-orange-500 text-white" : "bg-gray-600 text-white"} hover:bg-opacity-80`}>
              {k}
            </button>
          ))}
          <button onClick={() => { setExpr(""); setResult(null); }} className="col-span-4 h-10 rounded-xl bg-red-500 text-white">Clear</button>
        </div>
      </div>
    </div>
  );
}
