// A personality quiz that mounts itself with createRoot (no default export), as some models write it.
// @expect div.quiz
// @expect-text Which pet suits you?
// @click button:has-text("Long walks")
// @then-text Question 2 of 3
import React, { useState } from "react";
import { createRoot } from "react-dom/client";
import { Dog, Cat, Fish } from "lucide-react";

const QUESTIONS = [
  { q: "Your ideal weekend?", a: [["Long walks", "dog"], ["A good book", "cat"], ["Watching the sea", "fish"]] },
  { q: "Pick a snack", a: [["Sausage", "dog"], ["Tuna", "cat"], ["Seaweed", "fish"]] },
  { q: "Your home is…", a: [["Busy", "dog"], ["Quiet", "cat"], ["Minimal", "fish"]] },
];
const ICONS = { dog: Dog, cat: Cat, fish: Fish };

function Quiz() {
  const [step, setStep] = useState(0);
  const [votes, setVotes] = useState({ dog: 0, cat: 0, fish: 0 });
  if (step === QUESTIONS.length) {
    const winner = Object.entries(votes).sort((a, b) => b[1] - a[1])[0][0];
    const Icon = ICONS[winner];
    return <div className="quiz p-8 text-center"><Icon className="mx-auto w-16 h-16" /><p className="text-2xl mt-2">You are a {winner} person!</p></div>;
  }
  const { q, a } = QUESTIONS[step];
  return (
    <div className="quiz max-w-md mx-auto p-8">
      <h1 className="text-2xl font-bold mb-1">Which pet suits you?</h1>
      <p className="text-gray-500 mb-4">Question {step + 1} of {QUESTIONS.length}</p>
      <h2 className="text-lg mb-3">{q}</h2>
      {a.map(([label, pet]) => (
        <button key={label} className="block w-full text-left border rounded-lg p-3 mb-2 hover:bg-gray-50"
          onClick={() => { setVotes({ ...votes, [pet]: votes[pet] + 1 }); setStep(step + 1); }}>{label}</button>
      ))}
    </div>
  );
}

createRoot(document.getElementById("root")).render(<Quiz />);
