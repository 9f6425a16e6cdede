// A TSX component with interfaces, an enum, generics, `as` casts, a reducer and a typed custom hook.
// @expect table#inventory
// @expect-text Inventory (4 items)
// @click button#restock-2
// @then-text Restocked Widget Pro
import React, { useReducer, useCallback } from "react";

enum Category {
  Hardware = "HARDWARE",
  Software = "SOFTWARE",
  Service = "SERVICE",
}

interface Item {
  id: number;
  name: string;
  category: Category;
  stock: number;
  price: number;
}

type Action =
  | { type: "restock"; id: number; amount: number }
  | { type: "sell"; id: number };

interface State {
  items: Item[];
  log: string[];
}

function reducer(state: State, action: Action): State {
  switch (action.type) {
    case "restock": {
      const item = state.items.find((i) => i.id === action.id)!;
      return {
        items: state.items.map((i) => (i.id === action.id ? { ...i, stock: i.stock + action.amount } : i)),
        log: [`Restocked ${item.name}`, ...state.log],
      };
    }
    case "sell":
      return { ...state, items: state.items.map((i) => (i.id === action.id ? { ...i, stock: Math.max(0, i.stock - 1) } : i)) };
    default:
      return state;
  }
}

function groupBy<T, K extends string>(list: T[], key: (item: T) => K): Record<K, T[]> {
  return list.reduce((acc, item) => {
    const k = key(item);
    (acc[k] ||= []).push(item);
    return acc;
  }, {} as Record<K, T[]>);
}

const initialItems: Item[] = [
  { id: 1, name: "Widget", category: Category.Hardware, stock: 12, price: 9.99 },
  { id: 2, name: "Widget Pro", category: Category.Hardware, stock: 0, price: 24.5 },
  { id: 3, name: "License", category: Category.Software, stock: 50, price: 99 },
  { id: 4, name: "Setup", category: Category.Service, stock: 5, price: 149 },
];

const currency = (n: number): string => `$${n.toFixed(2)}`;

export default function Inventory(): JSX.Element {
  const [state, dispatch] = useReducer(reducer, { items: initialItems, log: [] } as State);
  const restock = useCallback((id: number) => dispatch({ type: "restock", id, amount: 10 }), []);
  const groups = groupBy(state.items, (i) => i.category);

  return (
    <div className="p-6 font-sans">
      <h1 className="text-2xl font-bold mb-2">Inventory ({state.items.length} items)</h1>
      <p className="text-gray-500 mb-4">{Object.keys(groups).length} categories</p>
      <table id="inventory" className="w-full border text-sm">
        <thead className="bg-gray-100"><tr><th className="p-2 text-left">Name</th><th>Category</th><th>Stock</th><th>Price</th><th></th></tr></thead>
        <tbody>
          {state.items.map((item) => (
            <tr key={item.id} className={item.stock === 0 ? "bg-red-50" : ""}>
              <td className="p-2">{item.name}</td>
              <td className="p-2">{item.category.toLowerCase()}</td>
              <td className="p-2 text-center">{item.stock}</td>
              <td className="p-2 text-right">{currency(item.price)}</td>
              <td className="p-2">
                <button id={`restock-${item.id}`} onClick={() => restock(item.id)} className="text-blue-600">Restock</button>
                <button onClick={() => dispatch({ type: "sell", id: item.id })} className="ml-2 text-gray-600">Sell</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ul className="mt-4 text-sm text-green-700">{state.log.map((line, i) => <li key={i}>{line}</li>)}</ul>
    </div>
  );
}
