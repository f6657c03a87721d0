// Drawing elements on a canvas, and the geometry the tools need (bounds, hit tests).

export const STICKY_COLOUR = "#fff3a0";
export const FONT = "Virgil, 'Segoe Print', 'Comic Sans MS', system-ui, sans-serif";
const LINEAR = new Set(["line", "arrow", "freedraw"]);

export function isLinear(e) {
  return LINEAR.has(e.type);
}

export function bounds(e) {
  if (isLinear(e) && e.points && e.points.length) {
    const xs = e.points.map((p) => e.x + p[0]);
    const ys = e.points.map((p) => e.y + p[1]);
    const x = Math.min(...xs);
    const y = Math.min(...ys);
    return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
  }
  let { x, y, width = 0, height = 0 } = e;
  if (width < 0) { x += width; width = -width; }
  if (height < 0) { y += height; height = -height; }
  return { x, y, width, height };
}

function distanceToSegment(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const len = dx * dx + dy * dy;
  const t = len ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len)) : 0;
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

export function hits(e, px, py, tolerance) {
  if (isLinear(e)) {
    const pts = e.points || [];
    for (let i = 1; i < pts.length; i += 1) {
      if (distanceToSegment(px, py, e.x + pts[i - 1][0], e.y + pts[i - 1][1],
                            e.x + pts[i][0], e.y + pts[i][1]) <= tolerance) return true;
    }
    return pts.length === 1 && Math.hypot(px - e.x, py - e.y) <= tolerance;
  }
  const b = bounds(e);
  const inside = px >= b.x - tolerance && px <= b.x + b.width + tolerance &&
    py >= b.y - tolerance && py <= b.y + b.height + tolerance;
  if (!inside) return false;
  const filled = e.type === "sticky" || e.type === "text" ||
    (e.backgroundColor && e.backgroundColor !== "transparent");
  if (filled) return true;
  // an outline: near its edge only, so that shapes behind an empty frame stay reachable
  const nearEdge = px <= b.x + tolerance || px >= b.x + b.width - tolerance ||
    py <= b.y + tolerance || py >= b.y + b.height - tolerance;
  return nearEdge || e.type === "ellipse" || e.type === "diamond";
}

export function wrapLines(ctx, text, maxWidth) {
  const lines = [];
  for (const paragraph of String(text || "").split("\n")) {
    let line = "";
    for (const word of paragraph.split(" ")) {
      const candidate = line ? `${line} ${word}` : word;
      if (!line || ctx.measureText(candidate).width <= maxWidth) line = candidate;
      else { lines.push(line); line = word; }
    }
    lines.push(line);
  }
  return lines;
}

export function measureText(ctx, text, fontSize) {
  ctx.save();
  ctx.font = `${fontSize}px ${FONT}`;
  const lines = String(text || " ").split("\n");
  const width = Math.max(10, ...lines.map((l) => ctx.measureText(l).width));
  ctx.restore();
  return { width: Math.ceil(width), height: Math.ceil(lines.length * fontSize * 1.25) };
}

function strokeStyle(ctx, e) {
  ctx.strokeStyle = e.strokeColor || "#1e1e1e";
  ctx.lineWidth = e.strokeWidth ?? 2;
  ctx.setLineDash(e.strokeStyle === "dashed" ? [8, 6] : e.strokeStyle === "dotted" ? [2, 5] : []);
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
}

function fill(ctx, e, fallback) {
  const colour = e.backgroundColor && e.backgroundColor !== "transparent"
    ? e.backgroundColor : fallback;
  if (!colour) return;
  ctx.fillStyle = colour;
  ctx.fill();
}

function drawText(ctx, e, box, centred) {
  const size = e.fontSize || 20;
  ctx.font = `${size}px ${FONT}`;
  ctx.fillStyle = e.type === "sticky" ? "#1e1e1e" : (e.strokeColor || "#1e1e1e");
  ctx.textBaseline = "top";
  const lineHeight = size * 1.25;
  if (centred) {
    const lines = wrapLines(ctx, e.text, box.width - 16);
    ctx.textAlign = "center";
    const top = box.y + (box.height - lines.length * lineHeight) / 2;
    lines.forEach((line, i) => ctx.fillText(line, box.x + box.width / 2, top + i * lineHeight));
  } else {
    ctx.textAlign = "left";
    String(e.text || "").split("\n").forEach((line, i) => ctx.fillText(line, box.x,
                                                                      box.y + i * lineHeight));
  }
}

function arrowhead(ctx, e) {
  const pts = e.points || [];
  if (pts.length < 2) return;
  const [x1, y1] = pts[pts.length - 2];
  const [x2, y2] = pts[pts.length - 1];
  const angle = Math.atan2(y2 - y1, x2 - x1);
  const size = 10 + 2 * (e.strokeWidth ?? 2);
  const tipX = e.x + x2;
  const tipY = e.y + y2;
  ctx.beginPath();
  ctx.moveTo(tipX - size * Math.cos(angle + 0.45), tipY - size * Math.sin(angle + 0.45));
  ctx.lineTo(tipX, tipY);
  ctx.lineTo(tipX - size * Math.cos(angle - 0.45), tipY - size * Math.sin(angle - 0.45));
  ctx.stroke();
}

export function drawElement(ctx, e, boundText) {
  const b = bounds(e);
  ctx.save();
  ctx.globalAlpha = (e.opacity ?? 100) / 100;
  if (e.angle) {
    ctx.translate(b.x + b.width / 2, b.y + b.height / 2);
    ctx.rotate(e.angle);
    ctx.translate(-(b.x + b.width / 2), -(b.y + b.height / 2));
  }
  strokeStyle(ctx, e);
  switch (e.type) {
    case "rectangle":
      ctx.beginPath();
      ctx.roundRect(b.x, b.y, b.width, b.height, 6);
      fill(ctx, e);
      ctx.stroke();
      break;
    case "sticky":
      ctx.beginPath();
      ctx.roundRect(b.x, b.y, b.width, b.height, 4);
      ctx.shadowColor = "rgba(0,0,0,.18)";
      ctx.shadowBlur = 6;
      ctx.shadowOffsetY = 2;
      fill(ctx, e, STICKY_COLOUR);
      ctx.shadowColor = "transparent";
      ctx.strokeStyle = "#c9b458";
      ctx.lineWidth = 1;
      ctx.setLineDash([]);
      ctx.stroke();
      drawText(ctx, e, b, true);
      break;
    case "ellipse":
      ctx.beginPath();
      ctx.ellipse(b.x + b.width / 2, b.y + b.height / 2, b.width / 2, b.height / 2, 0, 0,
                  2 * Math.PI);
      fill(ctx, e);
      ctx.stroke();
      break;
    case "diamond":
      ctx.beginPath();
      ctx.moveTo(b.x + b.width / 2, b.y);
      ctx.lineTo(b.x + b.width, b.y + b.height / 2);
      ctx.lineTo(b.x + b.width / 2, b.y + b.height);
      ctx.lineTo(b.x, b.y + b.height / 2);
      ctx.closePath();
      fill(ctx, e);
      ctx.stroke();
      break;
    case "line":
    case "arrow":
    case "freedraw": {
      const pts = e.points || [];
      ctx.beginPath();
      pts.forEach(([px, py], i) => (i ? ctx.lineTo(e.x + px, e.y + py) : ctx.moveTo(e.x + px,
                                                                                   e.y + py)));
      ctx.stroke();
      if (e.type === "arrow") {
        ctx.setLineDash([]);
        arrowhead(ctx, e);
      }
      break;
    }
    case "text":
      if (!e.containerId) drawText(ctx, e, b, false);
      break;
    default:
      break;
  }
  if (boundText && ["rectangle", "ellipse", "diamond"].includes(e.type)) {
    drawText(ctx, { ...boundText, type: "text" }, b, true);
  }
  ctx.restore();
}

export function drawSelection(ctx, e, zoom) {
  const b = bounds(e);
  const pad = 4 / zoom;
  ctx.save();
  ctx.strokeStyle = "#1971c2";
  ctx.lineWidth = 1.5 / zoom;
  ctx.setLineDash([4 / zoom, 3 / zoom]);
  ctx.strokeRect(b.x - pad, b.y - pad, b.width + 2 * pad, b.height + 2 * pad);
  ctx.setLineDash([]);
  ctx.fillStyle = "#ffffff";
  for (const [hx, hy] of handles(e, zoom)) {
    ctx.fillRect(hx - 4 / zoom, hy - 4 / zoom, 8 / zoom, 8 / zoom);
    ctx.strokeRect(hx - 4 / zoom, hy - 4 / zoom, 8 / zoom, 8 / zoom);
  }
  ctx.restore();
}

// Resize handles: the four corners (nw, ne, se, sw) of the padded bounds.
export function handles(e, zoom) {
  const b = bounds(e);
  const pad = 4 / zoom;
  return [[b.x - pad, b.y - pad], [b.x + b.width + pad, b.y - pad],
          [b.x + b.width + pad, b.y + b.height + pad], [b.x - pad, b.y + b.height + pad]];
}
