// A CSV data table: papaparse parses text the user can edit, lodash sorts, a search box filters.
// @expect table#data tbody tr
// @expect-text Tokyo
// @fill input[placeholder="Search cities"] => osl
// @then-text Oslo
import React, { useMemo, useState } from "react";
import Papa from "papaparse";
import _ from "lodash";

const SAMPLE = `city,country,population
Tokyo,Japan,37400068
Delhi,India,28514000
Shanghai,China,25582000
Oslo,Norway,709037
Lima,Peru,10391000`;

export default function CsvTable() {
  const [csv, setCsv] = useState(SAMPLE);
  const [query, setQuery] = useState("");
  const [sortKey, setSortKey] = useState("population");

  const { data, errors } = useMemo(() => Papa.parse(csv.trim(), { header: true, dynamicTyping: true, skipEmptyLines: true }), [csv]);
  const rows = useMemo(() => {
    const filtered = data.filter((r) => String(r.city).toLowerCase().includes(query.toLowerCase()));
    return _.orderBy(filtered, [sortKey], [sortKey === "population" ? "desc" : "asc"]);
  }, [data, query, sortKey]);

  return (
    <div className="p-6 max-w-3xl mx-auto">
      <h1 className="text-2xl font-bold mb-4">City data</h1>
      <textarea className="w-full h-32 border rounded p-2 font-mono text-xs mb-3" value={csv} onChange={(e) => setCsv(e.target.value)} />
      {errors.length > 0 && <p className="text-red-600">{errors[0].message}</p>}
      <input className="border rounded px-3 py-1 mb-3" placeholder="Search cities" value={query} onChange={(e) => setQuery(e.target.value)} />
      <table id="data" className="w-full text-left border-collapse">
        <thead>
          <tr className="bg-gray-100">
            {["city", "country", "population"].map((k) => (
              <th key={k} onClick={() => setSortKey(k)} className="p-2 cursor-pointer capitalize">{k}{sortKey === k ? " ▾" : ""}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.city} className="border-t">
              <td className="p-2">{r.city}</td>
              <td className="p-2">{r.country}</td>
              <td className="p-2 text-right">{Number(r.population).toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="text-sm text-gray-500 mt-2">{rows.length} of {data.length} rows · total {_.sumBy(rows, "population").toLocaleString()}</p>
    </div>
  );
}
