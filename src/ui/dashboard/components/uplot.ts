// uPlot and its stylesheet, in a chunk of their own that only the dashboard's charts load:
// a counter tablet never downloads them, and the dashboard shows its numbers before the
// charts are drawn.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export default uPlot;
