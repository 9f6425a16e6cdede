// A unit-aware calculator with mathjs: evaluate expressions, show a history.
// @expect input#expr
// @fill input#expr => 12 inch to cm
// @click button#run
// @then-text 30.48 cm
import { useState } from "react";
import { evaluate, format } from "mathjs";

export default function MathPad() {
  const [expr, setExpr] = useState("sqrt(3^2 + 4^2)");
  const [history, setHistory] = useState([]);

  const run = () => {
    try {
      const value = evaluate(expr);
      setHistory((h) => [{ expr, result: format(value, { precision: 6 }) }, ...h]);
    } catch (err) {
      setHistory((h) => [{ expr, result: `Error: ${err.message}` }, ...h]);
    }
  };

  return (
    <div className="max-w-lg mx-auto p-8">
      <h1 className="text-2xl font-bold mb-4">Math pad</h1>
      <div className="flex gap-2">
        <input id="expr" className="flex-1 border rounded px-3 py-2 font-mono" value={expr} onChange={(e) => setExpr(e.target.value)} />
        <button id="run" onClick={run} className="bg-violet-600 text-white px-4 rounded">=</button>
      </div>
      <ul className="mt-4 space-y-1 font-mono text-sm">
        {history.map((h, i) => <li key={i}><span className="text-gray-500">{h.expr}</span> → <strong>{h.result}</strong></li>)}
      </ul>
    </div>
  );
}
