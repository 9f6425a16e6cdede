// A d3 bar chart drawn into an SVG from an effect (d3.select on a ref), with a data toggle.
// @expect svg#chart rect.bar
// @expect-text Fruit sales
// @click button#toggle
// @then-text Showing: 2024
import React, { useEffect, useRef, useState } from "react";
import * as d3 from "d3";

const DATA = {
  2023: [{ name: "Apples", value: 30 }, { name: "Pears", value: 12 }, { name: "Plums", value: 22 }, { name: "Figs", value: 8 }],
  2024: [{ name: "Apples", value: 34 }, { name: "Pears", value: 18 }, { name: "Plums", value: 15 }, { name: "Figs", value: 11 }],
};

export default function FruitChart() {
  const ref = useRef(null);
  const [year, setYear] = useState(2023);

  useEffect(() => {
    const data = DATA[year];
    const width = 500, height = 300, margin = { top: 20, right: 20, bottom: 30, left: 40 };
    const svg = d3.select(ref.current).attr("width", width).attr("height", height);
    svg.selectAll("*").remove();
    const x = d3.scaleBand().domain(data.map(d => d.name)).range([margin.left, width - margin.right]).padding(0.2);
    const y = d3.scaleLinear().domain([0, d3.max(data, d => d.value)]).nice().range([height - margin.bottom, margin.top]);
    svg.append("g").attr("transform", `translate(0,${height - margin.bottom})`).call(d3.axisBottom(x));
    svg.append("g").attr("transform", `translate(${margin.left},0)`).call(d3.axisLeft(y));
    svg.selectAll("rect.bar").data(data).join("rect")
      .attr("class", "bar")
      .attr("x", d => x(d.name)).attr("width", x.bandwidth())
      .attr("y", d => y(d.value)).attr("height", d => y(0) - y(d.value))
      .attr("fill", d3.schemeTableau10[0]);
  }, [year]);

  return (
    <div className="p-6">
      <h1 className="text-2xl font-bold mb-2">Fruit sales</h1>
      <button id="toggle" className="mb-4 px-3 py-1 bg-emerald-600 text-white rounded" onClick={() => setYear(y => (y === 2023 ? 2024 : 2023))}>
        Showing: {year}
      </button>
      <svg id="chart" ref={ref}></svg>
    </div>
  );
}
