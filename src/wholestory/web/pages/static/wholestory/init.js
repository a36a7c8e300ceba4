import { initAll } from "../govuk-frontend/govuk-frontend.min.js";
initAll();
