// Give every table cell the direction of its own text: the browser resolves
// dir="auto" from the first strong letter (Arabic -> rtl, Latin -> ltr); we then
// pin the resolved value so CSS can style Arabic cells ([dir="rtl"]).
// All writes, then all reads, then all writes: one style recalculation, not one per cell.
const cells = Array.from(document.querySelectorAll("td"));
cells.forEach((cell) => cell.setAttribute("dir", "auto"));
const resolved = cells.map((cell) => getComputedStyle(cell).direction);
cells.forEach((cell, i) => {
  if (resolved[i] === "rtl" || resolved[i] === "ltr") {
    cell.setAttribute("dir", resolved[i]);
  }
});

// Text inputs follow what is typed.
for (const input of document.querySelectorAll('input[type="text"], input[type="search"], input:not([type]), textarea')) {
  input.setAttribute("dir", "auto");
}

// A row page is one very wide row: label each cell with its column so arabic.css
// can stack the fields vertically (long Arabic bodies then get the page's width).
if (document.body.classList.contains("row")) {
  for (const table of document.querySelectorAll("table.rows-and-columns")) {
    const names = Array.from(table.querySelectorAll("thead th"), (th) => th.dataset.column || th.textContent.trim());
    for (const row of table.querySelectorAll("tbody tr")) {
      Array.from(row.cells).forEach((cell, i) => cell.setAttribute("data-column", names[i] || ""));
    }
    table.classList.add("stacked");
  }
}
