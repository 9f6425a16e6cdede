// A todo app with hooks, the way models write it: useState, useEffect, localStorage, filters.
// @expect h1
// @expect-text Todo List
// @fill input[placeholder="What needs to be done?"] => Buy oat milk
// @click button[aria-label="Add todo"]
// @then-text Buy oat milk
// @then-text 3 items left
import React, { useState, useEffect } from 'react';
import { Plus, Trash2, Check } from 'lucide-react';

const STORAGE_KEY = 'todos-v1';

export default function TodoApp() {
  const [todos, setTodos] = useState(() => {
    const saved = localStorage.getItem(STORAGE_KEY);
    return saved ? JSON.parse(saved) : [
      { id: 1, text: 'Write the report', done: false },
      { id: 2, text: 'Call the dentist', done: false },
      { id: 3, text: 'Water the plants', done: true },
    ];
  });
  const [input, setInput] = useState('');
  const [filter, setFilter] = useState('all');

  useEffect(() => {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(todos));
  }, [todos]);

  const addTodo = () => {
    if (!input.trim()) return;
    setTodos([...todos, { id: Date.now(), text: input.trim(), done: false }]);
    setInput('');
  };

  const toggle = (id) => setTodos(todos.map(t => t.id === id ? { ...t, done: !t.done } : t));
  const remove = (id) => setTodos(todos.filter(t => t.id !== id));

  const visible = todos.filter(t => filter === 'all' ? true : filter === 'done' ? t.done : !t.done);
  const left = todos.filter(t => !t.done).length;

  return (
    <div className="min-h-screen bg-gradient-to-br from-indigo-50 to-purple-100 flex items-start justify-center p-8">
      <div className="w-full max-w-md bg-white rounded-2xl shadow-xl p-6">
        <h1 className="text-3xl font-bold text-gray-800 mb-4">Todo List</h1>
        <div className="flex gap-2 mb-4">
          <input
            className="flex-1 border border-gray-300 rounded-lg px-3 py-2 focus:outline-none focus:ring-2 focus:ring-indigo-500"
            placeholder="What needs to be done?"
            value={input}
            onChange={e => setInput(e.target.value)}
            onKeyDown={e => e.key === 'Enter' && addTodo()}
          />
          <button aria-label="Add todo" onClick={addTodo} className="bg-indigo-600 hover:bg-indigo-700 text-white rounded-lg px-3">
            <Plus size={20} />
          </button>
        </div>
        <div className="flex gap-2 mb-3 text-sm">
          {['all', 'active', 'done'].map(f => (
            <button key={f} onClick={() => setFilter(f)}
              className={`px-3 py-1 rounded-full ${filter === f ? 'bg-indigo-600 text-white' : 'bg-gray-100 text-gray-600'}`}>
              {f[0].toUpperCase() + f.slice(1)}
            </button>
          ))}
        </div>
        <ul className="space-y-2">
          {visible.map(todo => (
            <li key={todo.id} className="flex items-center gap-3 p-2 rounded-lg hover:bg-gray-50">
              <button onClick={() => toggle(todo.id)}
                className={`w-6 h-6 rounded-full border-2 flex items-center justify-center flex-shrink-0 ${todo.done ? 'bg-green-500 border-green-500' : 'border-gray-300'}`}>
                {todo.done && <Check size={14} className="text-white" />}
              </button>
              <span className={`flex-1 ${todo.done ? 'line-through text-gray-400' : 'text-gray-800'}`}>{todo.text}</span>
              <button onClick={() => remove(todo.id)} className="text-gray-400 hover:text-red-500"><Trash2 size={16} /></button>
            </li>
          ))}
        </ul>
        <p className="mt-4 text-sm text-gray-500">{left} {left === 1 ? 'item' : 'items'} left</p>
      </div>
    </div>
  );
}
