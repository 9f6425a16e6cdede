// A notes app that persists to localStorage and asks confirm() before deleting, alerts on save.
// The preview keeps storage in memory and answers dialogs without blocking.
// @expect textarea#note
// @fill textarea#note => Remember the milk
// @click button#save
// @then-text Remember the milk
// @click button.delete
// @then-text No notes yet
import { useState, useEffect } from "react";

export default function Notes() {
  const [notes, setNotes] = useState(() => JSON.parse(localStorage.getItem("notes") || "[]"));
  const [draft, setDraft] = useState("");

  useEffect(() => {
    localStorage.setItem("notes", JSON.stringify(notes));
  }, [notes]);

  const save = () => {
    if (!draft.trim()) return alert("Write something first");
    setNotes([{ id: crypto.randomUUID(), text: draft, at: new Date().toISOString() }, ...notes]);
    setDraft("");
    alert("Saved!");
  };

  const remove = (id) => {
    if (window.confirm("Delete this note?")) setNotes(notes.filter((n) => n.id !== id));
  };

  return (
    <div className="max-w-xl mx-auto p-6">
      <h1 className="text-2xl font-bold mb-3">Notes</h1>
      <textarea id="note" className="w-full border rounded p-2 h-24" value={draft} onChange={(e) => setDraft(e.target.value)} />
      <button id="save" onClick={save} className="mt-2 bg-amber-500 text-white px-4 py-1 rounded">Save</button>
      {notes.length === 0 ? <p className="mt-4 text-gray-500">No notes yet</p> : (
        <ul className="mt-4 space-y-2">
          {notes.map((n) => (
            <li key={n.id} className="border rounded p-2 flex justify-between">
              <span>{n.text}</span>
              <button className="delete text-red-500" onClick={() => remove(n.id)}>Delete</button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
