// placeholder entry; replaced by the CLI
console.log("rongqi 0.1.0");
