'use strict';

// The drawing pad: black strokes on white, sent as PNG to the server, which crops, scales and centres the digit
// like MNIST (the same library call as the console sample's `predict --image`).
const pad = document.getElementById('pad');
const ink = pad.getContext('2d');
const pen = document.getElementById('pen');
const seen = document.getElementById('seen');
const digitOutput = document.getElementById('digit');
const statusLine = document.getElementById('status');
const bars = document.getElementById('bars');
const PEN_WIDTH = 22;   // canvas pixels: about MNIST's stroke once the digit is scaled to 20 of 28 pixels
const KEY_STEP = 12;

const labels = [];
const fills = [];
const values = [];
for (let digit = 0; digit <= 9; digit++) {
  const item = document.createElement('li');
  item.innerHTML = `<span class="label">${digit}</span><span class="track"><span class="fill"></span></span><span class="value">0%</span>`;
  bars.append(item);
  labels.push(item.querySelector('.label'));
  fills.push(item.querySelector('.fill'));
  values.push(item.querySelector('.value'));
}

function clearPad() {
  ink.fillStyle = '#fff';
  ink.fillRect(0, 0, pad.width, pad.height);
  ink.strokeStyle = '#000';
  ink.fillStyle = '#000';
  ink.lineWidth = PEN_WIDTH;
  ink.lineCap = 'round';
  ink.lineJoin = 'round';
}

function stroke(from, to) {
  ink.beginPath();
  ink.moveTo(from.x, from.y);
  ink.lineTo(to.x, to.y);
  ink.stroke();
  requestPrediction();
}

// Mouse, touch and pen all arrive as pointer events.
let last = null;

function padPoint(event) {
  const box = pad.getBoundingClientRect();
  return { x: (event.clientX - box.left) * pad.width / box.width, y: (event.clientY - box.top) * pad.height / box.height };
}

pad.addEventListener('pointerdown', event => {
  pad.setPointerCapture(event.pointerId);
  last = padPoint(event);
  stroke(last, last);
  event.preventDefault();
});
pad.addEventListener('pointermove', event => {
  if (last) {
    const point = padPoint(event);
    stroke(last, point);
    last = point;
  }
});
for (const type of ['pointerup', 'pointercancel']) {
  pad.addEventListener(type, () => {
    if (last) {
      last = null;
      requestPrediction();
    }
  });
}

// The keyboard pen: arrows move it, Space puts it down or lifts it, Escape clears.
const keyPen = { x: pad.width / 2, y: pad.height / 2, down: false };
const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

function showPen() {
  pen.hidden = false;
  pen.style.left = `${100 * keyPen.x / pad.width}%`;
  pen.style.top = `${100 * keyPen.y / pad.height}%`;
  pen.classList.toggle('down', keyPen.down);
}

pad.addEventListener('focus', () => { if (pad.matches(':focus-visible')) showPen(); });
pad.addEventListener('blur', () => { pen.hidden = true; keyPen.down = false; });
pad.addEventListener('keydown', event => {
  if (event.key in moves) {
    const [dx, dy] = moves[event.key];
    const step = event.shiftKey ? KEY_STEP / 4 : KEY_STEP;
    const from = { x: keyPen.x, y: keyPen.y };
    keyPen.x = Math.min(pad.width, Math.max(0, keyPen.x + dx * step));
    keyPen.y = Math.min(pad.height, Math.max(0, keyPen.y + dy * step));
    if (keyPen.down) stroke(from, keyPen);
  } else if (event.key === ' ' || event.key === 'Enter') {
    keyPen.down = !keyPen.down;
    if (keyPen.down) stroke(keyPen, keyPen);
  } else if (event.key === 'Escape') {
    clear();
  } else {
    return;
  }
  event.preventDefault();
  showPen();
});

// Predictions: one request at a time; whatever was drawn meanwhile goes in the next one. `data-busy` is "true"
// from the first stroke until the answer to the latest drawing is shown.
let inFlight = false;
let pending = false;
let generation = 0;   // bumped by Clear, so that answers about a cleared drawing are dropped

function requestPrediction() {
  pending = true;
  digitOutput.dataset.busy = 'true';
  if (!inFlight) send();
}

async function send() {
  pending = false;
  inFlight = true;
  const asked = generation;
  try {
    const png = await new Promise(resolve => pad.toBlob(resolve, 'image/png'));
    const response = await fetch('api/predict', { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: png });
    const answer = await response.json();
    if (asked === generation) {
      if (response.ok) show(answer);
      else statusLine.textContent = answer.detail || answer.title;
    }
  } catch (error) {
    statusLine.textContent = `The server did not answer: ${error.message}`;
  }
  inFlight = false;
  if (pending) send();
  else digitOutput.dataset.busy = 'false';
}

function show(answer) {
  statusLine.textContent = '';
  digitOutput.textContent = answer.label;
  answer.probabilities.forEach((p, digit) => {
    fills[digit].style.width = `${(100 * p).toFixed(1)}%`;
    values[digit].textContent = `${(100 * p).toFixed(1)}%`;
    fills[digit].parentElement.parentElement.classList.toggle('top', digit === answer.digit);
  });
  const pixels = new ImageData(28, 28);
  answer.image.forEach((value, i) => {
    const grey = Math.round(255 * value);   // ink 1 shows white, as MNIST is usually drawn
    pixels.data.set([grey, grey, grey, 255], 4 * i);
  });
  seen.getContext('2d').putImageData(pixels, 0, 0);
}

function clear() {
  generation++;
  pending = false;
  clearPad();
  seen.getContext('2d').clearRect(0, 0, seen.width, seen.height);
  digitOutput.textContent = '–';
  statusLine.textContent = '';
  fills.forEach(fill => { fill.style.width = '0'; fill.parentElement.parentElement.classList.remove('top'); });
  values.forEach(value => { value.textContent = '0%'; });
  if (!inFlight) digitOutput.dataset.busy = 'false';
}

document.getElementById('clear').addEventListener('click', clear);

// The model's own description: its name, layers, test accuracy and class labels (digits unless it names them).
fetch('api/model')
  .then(response => response.json())
  .then(model => {
    const layers = model.layers.map(layer => layer.kind).join('-');
    const accuracy = model.testAccuracy == null ? '' : `, ${(100 * model.testAccuracy).toFixed(2)}% on its test set`;
    document.getElementById('model').textContent = `Model: ${model.name} (${layers}${accuracy}) — ${model.source}`;
    if (model.labels.length === labels.length) model.labels.forEach((label, i) => { labels[i].textContent = label; });
  })
  .catch(() => {});

clearPad();
