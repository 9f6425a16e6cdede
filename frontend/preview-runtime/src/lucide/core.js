// What every lucide-react icon shares: createLucideIcon (the default export, as the icon files import it)
// and the Icon component. One copy per frame, whether icons come one module each or in the whole module.
export { default, default as createLucideIcon } from "lucide-react/dist/esm/createLucideIcon.js";
export { default as Icon } from "lucide-react/dist/esm/Icon.js";
