export { version } from 'multiverse';
