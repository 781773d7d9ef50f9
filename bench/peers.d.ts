declare module 'ml-cart';
