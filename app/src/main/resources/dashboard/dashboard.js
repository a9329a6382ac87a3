// The usersync dashboard: reads /metrics.json every second and fills the page. Values are set with
// textContent only, never as HTML, so nothing the metrics carry can become markup or script.
(function () {
  'use strict';
  var REFRESH_MS = 1000;

  function path(object, dotted) {
    return dotted.split('.').reduce(function (value, key) {
      return value === null || value === undefined ? null : value[key];
    }, object);
  }

  function number(value, decimals) {
    if (value === null || value === undefined) {
      return '–';
    }
    return Number(value).toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  }

  function cell(row, text) {
    var td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '' : String(text);
    row.appendChild(td);
  }

  function rows(tbody, items, columns) {
    var body = document.createElement('tbody');
    body.id = tbody.id;
    items.forEach(function (item) {
      var tr = document.createElement('tr');
      columns.forEach(function (column) { cell(tr, column(item)); });
      body.appendChild(tr);
    });
    tbody.replaceWith(body);
  }

  function stages(list) {
    var ul = document.getElementById('stages');
    while (ul.firstChild) {
      ul.removeChild(ul.firstChild);
    }
    list.forEach(function (stage) {
      var li = document.createElement('li');
      li.id = 'stage-' + stage.stage;
      var name = document.createElement('span');
      name.className = 'name';
      name.textContent = stage.stage;
      var badge = document.createElement('span');
      badge.className = 'badge ' + stage.status;
      badge.textContent = stage.status;
      var reason = document.createElement('span');
      reason.className = 'reason';
      reason.textContent = stage.reason;
      li.appendChild(name);
      li.appendChild(badge);
      li.appendChild(reason);
      ul.appendChild(li);
    });
  }

  function chart(series) {
    var max = series.reduce(function (m, v) { return Math.max(m, v); }, 0);
    var top = max > 0 ? max : 1;
    var slots = 299;
    var offset = slots - (series.length - 1);
    var points = series.map(function (value, i) {
      var x = (offset + i) * 600 / slots;
      var y = 118 - value * 114 / top;
      return x.toFixed(1) + ',' + y.toFixed(1);
    });
    document.getElementById('chart-line').setAttribute('points', points.join(' '));
    document.getElementById('chart-max').textContent = number(max, 1);
  }

  function render(data) {
    document.querySelectorAll('[data-metric]').forEach(function (element) {
      element.textContent = number(path(data, element.dataset.metric), Number(element.dataset.decimals));
    });
    document.querySelectorAll('[data-text]').forEach(function (element) {
      var value = path(data, element.dataset.text);
      element.textContent = value === null || value === undefined ? '–' : String(value);
    });
    var status = document.getElementById('status');
    status.className = 'badge ' + data.status;
    stages(data.stages);
    chart(data.history.syncedPerSecond);
    rows(document.getElementById('dead-letter-counts'), data.deadLetters.byStageAndReason, [
      function (c) { return c.stage; }, function (c) { return c.reason; }, function (c) { return number(c.count, 0); }]);
    rows(document.getElementById('dead-letter-latest'), data.deadLetters.latest, [
      function (d) { return d.id; }, function (d) { return d.failedAt; }, function (d) { return d.stage; },
      function (d) { return d.reason; }, function (d) { return d.errorClass; },
      function (d) { return d.sourceTopic === null ? 'unknown' : d.sourceTopic + '-' + d.sourcePartition + '@' + d.sourceOffset; },
      function (d) { return d.userId; }]);
    var updated = document.getElementById('updated');
    updated.dataset.value = String(data.generatedAtMs);
    updated.textContent = new Date(data.generatedAtMs).toLocaleTimeString('en-GB');
    document.getElementById('error').hidden = true;
  }

  function refresh() {
    fetch('/metrics.json', { cache: 'no-store' })
      .then(function (response) {
        if (!response.ok) {
          throw new Error('/metrics.json answered ' + response.status);
        }
        return response.json();
      })
      .then(render)
      .catch(function (error) {
        var element = document.getElementById('error');
        element.textContent = String(error.message || error);
        element.hidden = false;
      })
      .finally(function () { setTimeout(refresh, REFRESH_MS); });
  }

  refresh();
}());
