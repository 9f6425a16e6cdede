// Framer Motion: animated list with AnimatePresence and a spring-animated card.
// @expect div#card
// @expect-text Animated cards
// @click button#shuffle
// @then-text Shuffled 1 time
import { useState } from "react";
import { motion, AnimatePresence } from "framer-motion";

const initial = ["Alpha", "Bravo", "Charlie", "Delta"];

export default function MotionDemo() {
  const [items, setItems] = useState(initial);
  const [shuffles, setShuffles] = useState(0);
  const [show, setShow] = useState(true);

  const shuffle = () => {
    setItems((list) => [...list].sort(() => Math.random() - 0.5));
    setShuffles((n) => n + 1);
  };

  return (
    <div className="min-h-screen bg-gradient-to-b from-sky-100 to-white p-8">
      <h1 className="text-3xl font-bold mb-6">Animated cards</h1>
      <motion.div id="card" initial={{ opacity: 0, y: 40 }} animate={{ opacity: 1, y: 0 }}
        transition={{ type: "spring", stiffness: 120 }} className="bg-white rounded-xl shadow-lg p-6 mb-6 max-w-md">
        <p>Shuffled {shuffles} {shuffles === 1 ? "time" : "times"}</p>
        <div className="flex gap-2 mt-3">
          <button id="shuffle" onClick={shuffle} className="px-3 py-1 rounded bg-sky-600 text-white">Shuffle</button>
          <button onClick={() => setShow((s) => !s)} className="px-3 py-1 rounded bg-gray-200">Toggle</button>
        </div>
      </motion.div>
      <ul className="space-y-2 max-w-md">
        <AnimatePresence>
          {show && items.map((item) => (
            <motion.li key={item} layout initial={{ opacity: 0, x: -20 }} animate={{ opacity: 1, x: 0 }}
              exit={{ opacity: 0, x: 20 }} whileHover={{ scale: 1.03 }} className="bg-white rounded-lg shadow p-3">
              {item}
            </motion.li>
          ))}
        </AnimatePresence>
      </ul>
    </div>
  );
}
