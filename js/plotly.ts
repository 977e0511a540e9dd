/** The partial plotly.js bundle: core (scatter) + scattergl, histogram, histogram2d, box. */

import Plotly from "plotly.js/lib/core";
import box from "plotly.js/lib/box";
import histogram from "plotly.js/lib/histogram";
import histogram2d from "plotly.js/lib/histogram2d";
import scattergl from "plotly.js/lib/scattergl";

Plotly.register([scattergl, histogram, histogram2d, box]);

export default Plotly;
