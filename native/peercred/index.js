'use strict';
// The compiled addon; see peercred.c.
module.exports = require('./build/Release/peercred.node');
