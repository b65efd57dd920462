// steepest report pages: hands each chart of the data island to uPlot, then writes what was drawn into
// #steepest-status (points per series, errors) for readers and tests.
(function () {
  var status = document.getElementById('steepest-status');
  var errors = [];
  window.addEventListener('error', function (e) { errors.push(String(e.message)); });
  var consoleError = console.error;
  console.error = function () {
    errors.push(Array.prototype.join.call(arguments, ' '));
    consoleError.apply(console, arguments);
  };
  var palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf',
    '#7f7f7f', '#bcbd22'];
  var drawn = {};
  try {
    var data = JSON.parse(document.getElementById('steepest-data').textContent);
    data.charts.forEach(function (c) {
      try {
        var el = document.getElementById('chart-' + c.id);
        var series = [{ label: c.x_label }];
        var bands = [], lastColor = palette[0], bandStart = -1;
        c.series.forEach(function (s, i) {
          // a band's two bounds take the colour of the series before them (a mean), and enclose a shaded area
          var color = s.kind === 'band' ? lastColor
            : palette[(typeof s.colour === 'number' ? s.colour : i) % palette.length];
          if (s.kind !== 'band') lastColor = color;
          var spec = { label: s.label, stroke: color, width: 1.5, spanGaps: true, points: { show: false } };
          if (s.kind === 'dash') spec.dash = [6, 4];
          if (s.kind === 'band') {
            spec.width = 0.5;
            if (bandStart < 0) bandStart = i + 1;
            else { bands.push({ series: [bandStart, i + 1], fill: color + '33' }); bandStart = -1; }
          }
          if (s.kind === 'points') {
            spec.paths = function () { return null; };
            spec.points = { show: true, size: 10, stroke: color, fill: color };
          }
          series.push(spec);
        });
        var opts = {
          title: c.title, width: Math.min(1100, window.innerWidth - 40), height: 320, series: series,
          scales: { x: c.x_log ? { time: false, distr: 3 } : { time: false }, y: c.log ? { distr: 3 } : {} },
          axes: [{ label: c.x_label }, { label: c.y_label }]
        };
        if (bands.length > 0) opts.bands = bands;
        var u = new uPlot(opts, [c.x].concat(c.series.map(function (s) { return s.values; })), el);
        drawn[c.id] = u.data.slice(1).map(function (col) {
          return col.filter(function (v) { return v !== null && v !== undefined; }).length;
        });
      } catch (e) {
        errors.push(c.id + ': ' + e);
      }
    });
  } catch (e) {
    errors.push('data: ' + e);
  }
  status.textContent = JSON.stringify({ ok: errors.length === 0, errors: errors, charts: drawn });
  status.setAttribute('data-state', errors.length === 0 ? 'ok' : 'error');
})();
