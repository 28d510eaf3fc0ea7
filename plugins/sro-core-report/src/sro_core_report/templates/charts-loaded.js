// Once the page has loaded, count the charts the browser could draw, and put the count
// (drawn, slash, all) in the body's data-charts-loaded attribute for a headless browser.
window.addEventListener("load", function () {
  var images = Array.prototype.slice.call(document.images);
  var loaded = images.filter(function (image) {
    return image.complete && image.naturalWidth > 0;
  });
  document.body.dataset.chartsLoaded = loaded.length + "/" + images.length;
});
