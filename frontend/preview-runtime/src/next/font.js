// next/font/google and next/font/local in a single-file preview: no font files can load, so each font
// is a class with its family name and a system fallback (the page looks close enough and runs).
const made = new Set();

function fontClass(family) {
  const slug = family.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  const className = `next-font-${slug}`;
  if (!made.has(className) && typeof document !== "undefined") {
    made.add(className);
    const style = document.createElement("style");
    style.textContent = `.${className} { font-family: "${family}", ui-sans-serif, system-ui, sans-serif; }`;
    document.head.append(style);
  }
  return { className, variable: className, style: { fontFamily: `"${family}", ui-sans-serif, system-ui, sans-serif` } };
}

const google = (family) => () => fontClass(family);

export const Inter = google("Inter");
export const Roboto = google("Roboto");
export const Open_Sans = google("Open Sans");
export const Poppins = google("Poppins");
export const Montserrat = google("Montserrat");
export const Lato = google("Lato");
export const Nunito = google("Nunito");
export const Raleway = google("Raleway");
export const Playfair_Display = google("Playfair Display");
export const Merriweather = google("Merriweather");
export const Source_Sans_3 = google("Source Sans 3");
export const Work_Sans = google("Work Sans");
export const DM_Sans = google("DM Sans");
export const Manrope = google("Manrope");
export const Space_Grotesk = google("Space Grotesk");
export const Outfit = google("Outfit");
export const Geist = google("Geist");
export const Geist_Mono = google("Geist Mono");
export const Roboto_Mono = google("Roboto Mono");
export const JetBrains_Mono = google("JetBrains Mono");
export const Fira_Code = google("Fira Code");
export const IBM_Plex_Sans = google("IBM Plex Sans");
export const IBM_Plex_Mono = google("IBM Plex Mono");
export const Noto_Sans = google("Noto Sans");
export const Rubik = google("Rubik");
export const Oswald = google("Oswald");
export const Lora = google("Lora");
export const Plus_Jakarta_Sans = google("Plus Jakarta Sans");
export const Figtree = google("Figtree");
export const Quicksand = google("Quicksand");
export const Karla = google("Karla");
export const Bebas_Neue = google("Bebas Neue");
export const Pacifico = google("Pacifico");
export const Urbanist = google("Urbanist");
export const Sora = google("Sora");
export const Lexend = google("Lexend");
export const Archivo = google("Archivo");
export const Mulish = google("Mulish");
export const Ubuntu = google("Ubuntu");
export const Barlow = google("Barlow");
export const Inconsolata = google("Inconsolata");
export const Space_Mono = google("Space Mono");
export const EB_Garamond = google("EB Garamond");
export const Cormorant_Garamond = google("Cormorant Garamond");
export const Dancing_Script = google("Dancing Script");
export const Caveat = google("Caveat");

/** next/font/local: localFont({ src }) */
export default function localFont(options = {}) {
  return fontClass(options.variable?.replace(/^--/, "") || "Local Font");
}
