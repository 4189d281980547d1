// Progressive enhancement only: every page works without this script.
import { initAll } from "/assets/nhsuk-frontend.min.js";

initAll();
