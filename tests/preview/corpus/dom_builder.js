// Plain JavaScript that draws into the page: builds a multiplication table with the DOM API.
// @expect table#times td
// @expect-text Times table
// @expect-text 81
const title = document.createElement('h1');
title.textContent = 'Times table';
title.style.cssText = 'font: 700 28px system-ui; margin: 16px;';
document.body.appendChild(title);

const table = document.createElement('table');
table.id = 'times';
table.style.borderCollapse = 'collapse';
table.style.margin = '16px';
for (let row = 1; row <= 9; row++) {
  const tr = document.createElement('tr');
  for (let col = 1; col <= 9; col++) {
    const td = document.createElement('td');
    td.textContent = row * col;
    td.style.cssText = `padding:6px 10px;border:1px solid #ddd;text-align:right;background:hsl(${(row * col) * 3}, 70%, 92%)`;
    tr.appendChild(td);
  }
  table.appendChild(tr);
}
document.body.appendChild(table);
console.log('Rendered', table.rows.length, 'rows');
