// The canvas page's History panel (see panel.js).
import { setupHistoryPanel } from "./panel.js";

setupHistoryPanel();
